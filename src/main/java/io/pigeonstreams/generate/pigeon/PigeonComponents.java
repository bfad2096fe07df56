package io.pigeonstreams.generate.pigeon;

import ai.djl.Device;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.model.EncoderScorer;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.StyleEncoder;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained Pigeon model behind the engine's interfaces: its mask generator is the {@link
 * HistoryMasker} (token level: every item is returned, its masked tokens encoded by {@link
 * PigeonInputs#masked}), its personalization module and tokenizer decoder are the {@link
 * ImageGenerator}, which generates all of a request's candidates (one per alpha_r) in one batch;
 * {@link #scorer()} is the production scorer. The catalog must be tokenized with {@link
 * #tokenizer()}.
 */
public final class PigeonComponents implements HistoryMasker, ImageGenerator {

  private final PigeonModel model;
  private final StyleEncoder taste;
  private final EncoderScorer scorer;
  private final String version;

  private PigeonComponents(PigeonModel model, StyleEncoder taste, String version) {
    this.model = model;
    this.taste = taste;
    this.scorer = new EncoderScorer(model.tokenizer(), taste);
    this.version = version;
  }

  /**
   * Loads checkpoint {@code name} and the tokenizer beside it from {@code dir}, offline.
   *
   * @param historySize N, history items per prompt
   */
  public static PigeonComponents load(Path dir, String name, int historySize) throws IOException {
    return load(dir, name, historySize, null);
  }

  /**
   * @param device where to run (null: DJL's default, a GPU when there is one)
   */
  public static PigeonComponents load(Path dir, String name, int historySize, Device device)
      throws IOException {
    return load(
        dir, name, PigeonConfig.defaults(), TokenizerConfig.defaults(), historySize, device);
  }

  /** As above, for a network of another size, on DJL's default device. */
  public static PigeonComponents load(
      Path dir, String name, PigeonConfig config, TokenizerConfig tokenizerConfig, int historySize)
      throws IOException {
    return load(dir, name, config, tokenizerConfig, historySize, null);
  }

  private static PigeonComponents load(
      Path dir,
      String name,
      PigeonConfig config,
      TokenizerConfig tokenizerConfig,
      int historySize,
      Device device)
      throws IOException {
    PigeonModel model = PigeonModel.load(dir, name, config, tokenizerConfig, historySize, device);
    try {
      String version = name + "@" + PigeonModel.digest(PigeonModel.weightsFile(dir, name));
      return new PigeonComponents(model, StyleEncoder.load(dir, model.device()), version);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public io.pigeonstreams.model.PigeonTokenizer tokenizer() {
    return model.tokenizer();
  }

  public PigeonModel model() {
    return model;
  }

  /** The production scorer over this model's tokenizer and the taste encoder. */
  public EncoderScorer scorer() {
    return scorer;
  }

  /** The checkpoint's name and the first 12 hex digits of its weights' SHA-256. */
  @Override
  public String modelVersion() {
    return version;
  }

  @Override
  public List<HistoryEntry> keep(List<HistoryEntry> history, double alphaH, float[] reference) {
    if (history.isEmpty()) {
      return List.of();
    }
    List<HistoryEntry> used = history.subList(0, Math.min(history.size(), model.historySize()));
    List<int[]> tokens = used.stream().map(HistoryEntry::tokens).toList();
    int[] referenceTokens = model.tokenizer().tokenize(reference);
    List<int[]> masked =
        model
            .maskHistory(
                List.of(new PigeonInputs.Prompt(tokens, referenceTokens, "")),
                new double[] {alphaH})
            .get(0);
    List<HistoryEntry> kept = new ArrayList<>();
    for (int i = 0; i < used.size(); i++) {
      kept.add(new HistoryEntry(used.get(i).itemId(), used.get(i).image(), masked.get(i)));
    }
    return kept;
  }

  /**
   * One pass, as in training and the benchmark: the mask generator reads the whole history (masked
   * tokens keep their ids) and the personalization module sees the mask {@link #keep} chose.
   *
   * @param context its history masked by {@link #keep}
   */
  @Override
  public List<Candidate> generate(GenerationContext context) {
    List<int[]> history = context.history().stream().map(HistoryEntry::tokens).toList();
    PigeonInputs.Prompt prompt =
        new PigeonInputs.Prompt(history, context.referenceTokens(), context.caption());
    List<PigeonInputs.Prompt> rows = new ArrayList<>();
    double[] alphaR = new double[context.alphaR().size()];
    for (int i = 0; i < alphaR.length; i++) {
      rows.add(prompt);
      alphaR[i] = context.alphaR().get(i);
    }
    List<int[]> tokens = model.generateTokens(rows, new double[alphaR.length], alphaR);
    List<float[]> images = model.tokenizer().decode(tokens);
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < alphaR.length; i++) {
      out.add(new Candidate(images.get(i), tokens.get(i), alphaR[i]));
    }
    return out;
  }

  @Override
  public void close() {
    taste.close();
    model.close();
  }
}
