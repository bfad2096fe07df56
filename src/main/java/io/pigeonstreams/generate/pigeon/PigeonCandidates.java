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
    return of(model, model.prompts(histories, references, captions), alphaH, alphaRs);
  }

  /** As above, for prompts already tokenized. */
  public static List<List<Candidate>> of(
      PigeonModel model, List<PigeonInputs.Prompt> prompts, double alphaH, List<Double> alphaRs) {
    List<PigeonInputs.Prompt> rows = new ArrayList<>();
    double[] ar = new double[prompts.size() * alphaRs.size()];
    for (int i = 0; i < prompts.size(); i++) {
      for (int a = 0; a < alphaRs.size(); a++) {
        rows.add(prompts.get(i));
        ar[i * alphaRs.size() + a] = alphaRs.get(a);
      }
    }
    List<int[]> tokens = model.generateTokens(rows, PigeonModel.fill(rows.size(), alphaH), ar);
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
