package io.pigeonstreams.generate.pigeon;

import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import java.util.ArrayList;
import java.util.List;

/** The Pigeon model's candidates as the engine's {@link Candidate}s. */
public final class PigeonCandidates {

  private PigeonCandidates() {}

  /**
   * One candidate per (prompt, alpha_r), all in one batch: the candidate sweep of Pigeon's stage 2
   * and inference (§2.2.4–2.2.5).
   *
   * @return per prompt, its candidates in the order of {@code alphaRs}
   */
  public static List<List<Candidate>> of(
      PigeonModel model,
      List<List<float[]>> histories,
      List<float[]> references,
      List<String> captions,
      double alphaH,
      List<Double> alphaRs) {
    return of(model, histories, references, captions, alphaH, alphaRs, null);
  }

  /**
   * As above; {@code seeds} (one per prompt, or null) seed a sampled decoding (the model's
   * temperature above 0): candidate a of prompt i is drawn with seed {@code seeds[i] * 1000003 +
   * a}.
   */
  public static List<List<Candidate>> of(
      PigeonModel model,
      List<List<float[]>> histories,
      List<float[]> references,
      List<String> captions,
      double alphaH,
      List<Double> alphaRs,
      long[] seeds) {
    return of(model, model.prompts(histories, references, captions), alphaH, alphaRs, seeds);
  }

  /** As above, for prompts already tokenized. */
  public static List<List<Candidate>> of(
      PigeonModel model, List<PigeonInputs.Prompt> prompts, double alphaH, List<Double> alphaRs) {
    return of(model, prompts, alphaH, alphaRs, null);
  }

  /** As above, for prompts already tokenized, with seeds (or null). */
  public static List<List<Candidate>> of(
      PigeonModel model,
      List<PigeonInputs.Prompt> prompts,
      double alphaH,
      List<Double> alphaRs,
      long[] seeds) {
    List<PigeonInputs.Prompt> rows = new ArrayList<>();
    int k = alphaRs.size();
    double[] ar = new double[prompts.size() * k];
    long[] rowSeeds = seeds == null ? null : new long[prompts.size() * k];
    for (int i = 0; i < prompts.size(); i++) {
      for (int a = 0; a < k; a++) {
        rows.add(prompts.get(i));
        ar[i * k + a] = alphaRs.get(a);
        if (rowSeeds != null) {
          rowSeeds[i * k + a] = seeds[i] * 1_000_003L + a;
        }
      }
    }
    List<int[]> tokens =
        model.generateTokens(rows, PigeonModel.fill(rows.size(), alphaH), ar, rowSeeds);
    List<float[]> images = model.tokenizer().decode(tokens);
    List<List<Candidate>> out = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      List<Candidate> c = new ArrayList<>();
      for (int a = 0; a < alphaRs.size(); a++) {
        int row = i * alphaRs.size() + a;
        c.add(new Candidate(images.get(row), tokens.get(row), alphaRs.get(a)));
      }
      out.add(c);
    }
    return out;
  }
}
