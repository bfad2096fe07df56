package io.pigeonstreams.personalize;

import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.personalize.BatchPipeline.Generated;
import io.pigeonstreams.personalize.RequestValidator.Prepared;
import java.time.Instant;
import java.util.List;

/**
 * The answer to a request and, when its candidates differ, the preference pair: the chosen image
 * inline or, above the claim check's threshold, as a URI; the history and what was masked; the
 * scores; the model version, experiment variant and latency.
 */
final class AnswerBuilder {

  private final Personalizer.Settings settings;
  private final ImageGenerator generator;
  private final ClaimCheck claimCheck;
  private final String tokenizer;

  /**
   * @param tokenizer the name of the engine's visual tokenizer, whose tokens the generator's
   *     candidates carry
   */
  AnswerBuilder(
      Personalizer.Settings settings,
      ImageGenerator generator,
      ClaimCheck claimCheck,
      String tokenizer) {
    this.settings = settings;
    this.generator = generator;
    this.claimCheck = claimCheck;
    this.tokenizer = tokenizer;
  }

  /** A REJECTED answer with its reason (also for a request too broken to validate). */
  Answer rejected(Request request, String reason, long nowMs) {
    return answer(
        request,
        Answer.Status.REJECTED,
        reason,
        null,
        null,
        List.of(),
        List.of(),
        0,
        0,
        null,
        nowMs,
        null);
  }

  /** The runner-up shown beside the chosen image (null with a single candidate). */
  private Answer.Option option(Request request, List<Candidate> candidates, Generated g, int i) {
    if (i < 0) {
      return null;
    }
    Candidate c = candidates.get(i);
    byte[] png = StickerImage.toPng(c.image());
    String uri = claimCheck.needed(png) ? claimCheck.store(png, "png") : null;
    return new Answer.Option(
        imageId(request) + "#2",
        uri == null ? png : null,
        uri,
        c.alphaR(),
        g.scores().get(i),
        c.tokens());
  }

  private String requestId(Request request) {
    return RequestValidator.isBlank(request.requestId()) ? "" : request.requestId();
  }

  /** The published image's id: the request's and the model version's. */
  private String imageId(Request request) {
    return requestId(request) + "/" + generator.modelVersion();
  }

  /** The answer for a request whose candidates were generated and scored. */
  Personalizer.Outcome served(Prepared p, Generated g, long nowMs) {
    Request request = p.request();
    List<Candidate> candidates = g.candidates();
    CandidateSelection selection = CandidateSelection.of(g.scores(), settings.selection());
    List<String> historyIds = p.joined().stream().map(HistoryEntry::itemId).toList();
    List<String> maskedIds = g.masked().maskedItemIds(historyIds);

    Candidate chosen = candidates.get(selection.chosen());
    byte[] chosenPng = StickerImage.toPng(chosen.image());
    String chosenUri = claimCheck.needed(chosenPng) ? claimCheck.store(chosenPng, "png") : null;
    Answer answer =
        answer(
            request,
            p.joined().isEmpty() ? Answer.Status.COLD_START : Answer.Status.OK,
            null,
            chosenUri == null ? chosenPng : null,
            chosenUri,
            historyIds,
            maskedIds,
            p.alphaH(),
            chosen.alphaR(),
            g.scores().get(selection.chosen()),
            nowMs,
            p.options() == 2 ? option(request, candidates, g, selection.runnerUp()) : null);
    CandidatePair pair = null;
    if (selection.makesPair(candidates.size())) {
      Candidate rejected = candidates.get(selection.rejected());
      byte[] rejectedPng = StickerImage.toPng(rejected.image());
      String rejectedUri =
          claimCheck.needed(rejectedPng) ? claimCheck.store(rejectedPng, "png") : null;
      pair =
          new CandidatePair(
              request.requestId() + "/model",
              request.userId(),
              request.requestId(),
              historyIds,
              p.reference().itemId(),
              p.reference().tokens(),
              p.alphaH(),
              maskedIds,
              request.instruction(),
              chosen.alphaR(),
              rejected.alphaR(),
              chosenUri == null ? chosenPng : null,
              chosenUri,
              rejectedUri == null ? rejectedPng : null,
              rejectedUri,
              chosen.tokens(),
              rejected.tokens(),
              g.scores().get(selection.chosen()),
              g.scores().get(selection.rejected()),
              generator.modelVersion(),
              Instant.ofEpochMilli(nowMs));
    }
    Served served =
        new Served(
            p.reference().itemId(),
            p.reference().tokens(),
            request.instruction() == null ? "" : request.instruction(),
            chosen.tokens(),
            chosen.tokens().length == 0 ? "" : tokenizer);
    return new Personalizer.Outcome(answer, pair, served);
  }

  private Answer answer(
      Request request,
      Answer.Status status,
      String reason,
      byte[] image,
      String imageUri,
      List<String> historyIds,
      List<String> maskedIds,
      double alphaH,
      double alphaR,
      io.pigeonstreams.generate.PreferenceScorer.Scores scores,
      long nowMs,
      Answer.Option alternative) {
    long requested = request.timestamp() == null ? nowMs : request.timestamp().toEpochMilli();
    return new Answer(
        requestId(request),
        request.userId() == null ? "" : request.userId(),
        imageId(request),
        status,
        reason,
        image,
        imageUri,
        generator.modelVersion(),
        request.experimentVariant() != null
            ? request.experimentVariant()
            : settings.experimentVariant(),
        request.experimentId(),
        historyIds,
        maskedIds,
        alphaH,
        alphaR,
        scores,
        Math.max(0, nowMs - requested),
        Instant.ofEpochMilli(nowMs),
        alternative);
  }
}
