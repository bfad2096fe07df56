package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.personalize.RequestValidator.Prepared;
import java.util.ArrayList;
import java.util.List;

/**
 * The models' part of a micro-batch, each run once over all its requests: mask (alpha_h) → generate
 * (one candidate per request and alpha_r) → score (personalization against the whole history,
 * semantic alignment against the reference).
 */
final class BatchPipeline {

  /** One request's result: its masked history, its candidates and their scores, in order. */
  record Generated(
      MaskedHistory masked, List<Candidate> candidates, List<PreferenceScorer.Scores> scores) {}

  private final HistoryMasker masker;
  private final ImageGenerator generator;
  private final PreferenceScorer scorer;

  BatchPipeline(HistoryMasker masker, ImageGenerator generator, PreferenceScorer scorer) {
    this.masker = masker;
    this.generator = generator;
    this.scorer = scorer;
  }

  /**
   * @return one result per request, in order
   * @throws RuntimeException when a model fails (for the whole batch)
   */
  List<Generated> run(List<Prepared> batch, Personalizer.StageListener stages) {
    // mask: the noisy fraction alpha_h of each history
    long t0 = System.nanoTime();
    List<MaskedHistory> masked =
        masker.keepAll(
            batch.stream()
                .map(
                    p ->
                        new HistoryMasker.Task(
                            p.joined(), p.alphaH(), p.reference().image(), p.reference().tokens()))
                .toList());

    // generate: one candidate per request and alpha_r
    List<GenerationContext> contexts = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Prepared p = batch.get(i);
      contexts.add(
          new GenerationContext(
              p.request().requestId(),
              masked.get(i),
              p.reference().image(),
              p.reference().tokens(),
              p.reference().caption(),
              p.grid()));
    }
    long t1 = System.nanoTime();
    stages.stage("mask", t1 - t0);
    List<List<Candidate>> candidates = generator.generateAll(contexts);
    long t2 = System.nanoTime();
    stages.stage("generate", t2 - t1);

    // score: personalization against the whole (unmasked) history, alignment against the reference
    List<float[]> images = new ArrayList<>();
    List<List<float[]>> histories = new ArrayList<>();
    List<float[]> references = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Prepared p = batch.get(i);
      if (candidates.get(i).size() != p.grid().size()) {
        throw new IllegalStateException(
            "generator returned "
                + candidates.get(i).size()
                + " candidates for "
                + p.grid().size());
      }
      List<float[]> historyImages = p.joined().stream().map(HistoryEntry::image).toList();
      for (Candidate c : candidates.get(i)) {
        images.add(c.image());
        histories.add(historyImages); // one list per request: encoded once
        references.add(p.reference().image());
      }
    }
    List<PreferenceScorer.Scores> scores = scorer.score(images, histories, references);
    stages.stage("score", System.nanoTime() - t2);

    List<Generated> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < batch.size(); i++) {
      int k = candidates.get(i).size();
      out.add(new Generated(masked.get(i), candidates.get(i), scores.subList(from, from + k)));
      from += k;
    }
    return out;
  }
}
