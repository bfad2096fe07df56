package io.pigeonstreams.generate.pigeon;

import ai.djl.Device;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import io.pigeonstreams.model.TokenizerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained Pigeon model behind the engine's interfaces: its mask generator is the {@link
 * HistoryMasker} (token level: every item up to N is returned with the mask of its tokens), its
 * personalization module and tokenizer decoder are the {@link ImageGenerator}, which generates all
 * of a request's candidates (one per alpha_r) in one batch; {@link #scorer()} is the production
 * scorer. The catalog must be tokenized with {@link #tokenizer()}.
 */
public final class PigeonComponents implements HistoryMasker, ImageGenerator {

  /**
   * At most this many rows (candidate images, or histories to mask) per model call: a flush of more
   * is run in chunks. 64 is where the CPU's images/s levels off ({@code bench model}).
   */
  public static final int MAX_ROWS = 64;

  private final PigeonModel model;
  private final EncoderScorer scorer;
  private final String version;

  private PigeonComponents(PigeonModel model, EncoderScorer scorer, String version) {
    this.model = model;
    this.scorer = scorer;
    this.version = version;
  }

  /**
   * The checkpoint the engine and the benchmarks run by default: stage 1 on tokenizer v2 (stage 2,
   * {@code pigeon}, lowered style accuracy; see models/pigeon/README.md).
   */
  public static final String DEFAULT_CHECKPOINT = "pigeon-sft";

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
    return load(dir, name, PigeonConfig.defaults(), TokenizerConfig.v2(), historySize, device);
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
      return new PigeonComponents(model, EncoderScorer.forModel(model), version);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The model's tokenizer behind the engine's {@link io.pigeonstreams.generate.VisualTokenizer}.
   */
  public PigeonVisualTokenizer tokenizer() {
    return new PigeonVisualTokenizer(model.tokenizer());
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
  public MaskedHistory keep(List<HistoryEntry> history, double alphaH, float[] reference) {
    return keepAll(
            List.of(new Task(history, alphaH, reference, model.tokenizer().tokenize(reference))))
        .get(0);
  }

  /** One mask-generator pass for the whole micro-batch, in chunks of at most {@link #MAX_ROWS}. */
  @Override
  public List<MaskedHistory> keepAll(List<Task> tasks) {
    List<MaskedHistory> out = new ArrayList<>();
    for (int from = 0; from < tasks.size(); from += MAX_ROWS) {
      List<Task> chunk = tasks.subList(from, Math.min(tasks.size(), from + MAX_ROWS));
      Styles styles =
          styles(
              chunk.stream().map(t -> used(t.history())).toList(),
              chunk.stream().map(Task::reference).toList());
      List<PigeonInputs.Prompt> prompts = new ArrayList<>();
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        List<HistoryEntry> used = used(chunk.get(i).history());
        if (!used.isEmpty()) {
          prompts.add(
              new PigeonInputs.Prompt(
                  used.stream().map(HistoryEntry::tokens).toList(),
                  styles.history().get(i),
                  chunk.get(i).referenceTokens(),
                  styles.reference().get(i),
                  ""));
          rows.add(i);
        }
      }
      double[] alphaH = rows.stream().mapToDouble(i -> chunk.get(i).alphaH()).toArray();
      List<List<boolean[]>> masks =
          prompts.isEmpty() ? List.of() : model.maskHistory(prompts, alphaH);
      int next = 0;
      for (int i = 0; i < chunk.size(); i++) {
        List<HistoryEntry> used = used(chunk.get(i).history());
        out.add(
            used.isEmpty()
                ? MaskedHistory.unmasked(List.of())
                : new MaskedHistory(used, masks.get(next++)));
      }
    }
    return out;
  }

  /** Each request's history style features and its reference's. */
  private record Styles(List<List<float[]>> history, List<float[]> reference) {}

  /** The style features of every history image and reference, in one taste-encoder call. */
  private Styles styles(List<List<HistoryEntry>> histories, List<float[]> references) {
    List<float[]> images = new ArrayList<>(references);
    for (List<HistoryEntry> h : histories) {
      h.forEach(e -> images.add(e.image()));
    }
    List<float[]> all = model.style(images);
    List<List<float[]>> history = new ArrayList<>();
    int next = references.size();
    for (List<HistoryEntry> h : histories) {
      history.add(all.subList(next, next + h.size()));
      next += h.size();
    }
    return new Styles(history, all.subList(0, references.size()));
  }

  private List<HistoryEntry> used(List<HistoryEntry> history) {
    return history.subList(0, Math.min(history.size(), model.historySize()));
  }

  /**
   * One pass, as in training and the benchmark: the mask generator reads the whole history (masked
   * tokens keep their ids) and the personalization module sees the mask {@link #keep} chose.
   *
   * @param context its history masked by {@link #keep}
   */
  @Override
  public List<Candidate> generate(GenerationContext context) {
    return generateAll(List.of(context)).get(0);
  }

  /**
   * Every candidate of the micro-batch (one row per request and alpha_r) through the network and
   * the decoder, in chunks of at most {@link #MAX_ROWS} rows.
   */
  @Override
  public List<List<Candidate>> generateAll(List<GenerationContext> contexts) {
    List<PigeonInputs.Prompt> rows = new ArrayList<>();
    List<Double> alphas = new ArrayList<>();
    Styles styles =
        styles(
            contexts.stream().map(c -> c.history().entries()).toList(),
            contexts.stream().map(GenerationContext::reference).toList());
    for (int c = 0; c < contexts.size(); c++) {
      GenerationContext context = contexts.get(c);
      PigeonInputs.Prompt prompt =
          new PigeonInputs.Prompt(
              context.history().tokens(),
              styles.history().get(c),
              context.referenceTokens(),
              styles.reference().get(c),
              context.caption(),
              context.history().tokenMasks());
      for (double a : context.alphaR()) {
        rows.add(prompt);
        alphas.add(a);
      }
    }
    List<int[]> tokens = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += MAX_ROWS) {
      int to = Math.min(rows.size(), from + MAX_ROWS);
      double[] alphaR =
          alphas.subList(from, to).stream().mapToDouble(Double::doubleValue).toArray();
      List<int[]> t = model.generateTokens(rows.subList(from, to), new double[to - from], alphaR);
      tokens.addAll(t);
      images.addAll(model.tokenizer().decode(t));
    }
    List<List<Candidate>> out = new ArrayList<>();
    int row = 0;
    for (GenerationContext context : contexts) {
      List<Candidate> candidates = new ArrayList<>();
      for (double a : context.alphaR()) {
        candidates.add(new Candidate(images.get(row), tokens.get(row), a));
        row++;
      }
      out.add(candidates);
    }
    return out;
  }

  @Override
  public double warmUp(int maxRows) {
    int rows = Math.max(1, Math.min(maxRows, MAX_ROWS));
    int[] tokens = new int[model.tokenizer().config().tokens()];
    List<HistoryEntry> history = new ArrayList<>();
    for (int n = 0; n < model.historySize(); n++) {
      history.add(new HistoryEntry("warm-up-" + n, null, tokens));
    }
    GenerationContext one =
        new GenerationContext(
            "warm-up", MaskedHistory.unmasked(history), null, tokens, "warm up", List.of(0.5));
    Task mask = new Task(history, 0.2, null, tokens);
    return ImageGenerator.timeBatches(
        rows,
        b -> {
          keepAll(java.util.Collections.nCopies(b, mask));
          generateAll(java.util.Collections.nCopies(b, one));
        },
        b -> generateAll(java.util.Collections.nCopies(b, one)));
  }

  @Override
  public void close() {
    try {
      scorer.close();
    } finally {
      model.close();
    }
  }
}
