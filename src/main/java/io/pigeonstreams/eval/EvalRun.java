package io.pigeonstreams.eval;

import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.eval.judge.Judge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of the quality benchmark: simulate the users, evaluate each generator (at each mask ratio
 * of a sweep) on a split, and write the metrics table, the samples sheet and the sweep plot.
 */
public final class EvalRun {

  /**
   * @param generators generator names ({@link Generators#names()})
   * @param limit at most this many samples of the split (null: all)
   * @param ratios the mask ratios each generator runs at (one entry unless a sweep)
   * @param sweepLabel the ratio a sweep varies ({@code alpha_h}, {@code alpha_r}; null: no sweep)
   * @param sweepValues its values, in the order of {@code ratios}
   */
  public record Settings(
      List<String> generators,
      Split split,
      SimulationConfig simulation,
      Integer limit,
      Path models,
      Path judges,
      Path out,
      int rows,
      List<Generators.Inference> ratios,
      String sweepLabel,
      List<Double> sweepValues) {}

  private final Settings settings;

  public EvalRun(Settings settings) {
    this.settings = settings;
  }

  /** Runs the benchmark on {@code ds}; prints progress and the table. */
  public void run(StickerDataset ds) throws Exception {
    String splitName = settings.split().name().toLowerCase(Locale.ROOT);

    Benchmark benchmark = new UserSimulator(ds).simulate(settings.simulation());
    List<Sample> samples = benchmark.samples(settings.split());
    if (settings.limit() != null && settings.limit() < samples.size()) {
      samples = samples.subList(0, settings.limit());
    }
    System.out.printf(
        Locale.ROOT,
        "Evaluating %s on %d %s samples (seed %d, noise %.2f, %d emoji x %d styles)%n",
        String.join(", ", settings.generators()),
        samples.size(),
        splitName,
        settings.simulation().seed(),
        settings.simulation().noise(),
        ds.emojiCount(),
        ds.styleCount());
    List<MetricsRow> rowsOut = new ArrayList<>();
    Map<String, List<float[]>> images = new LinkedHashMap<>();
    try (Judge styleJudge = Judge.load(settings.judges(), Judge.STYLE, ds.styleCount());
        Judge identityJudge = Judge.load(settings.judges(), Judge.IDENTITY, ds.emojiCount())) {
      Evaluator evaluator = new Evaluator(ds, styleJudge, identityJudge, true);
      for (String name : settings.generators()) {
        for (Generators.Inference ratios : settings.ratios()) {
          try (StickerGenerator generator = Generators.create(name, settings.models(), ratios)) {
            Evaluator.Result result =
                evaluator.evaluate(
                    generator,
                    samples,
                    splitName,
                    settings.simulation().seed(),
                    settings.simulation().noise());
            rowsOut.add(result.row());
            images.put(generator.name(), result.generated());
          }
        }
      }
    }
    List<MetricsRow> table = Report.writeTables(settings.out(), rowsOut);
    if (settings.sweepLabel() != null) {
      Path png =
          settings.out().resolve("sweep-" + settings.sweepLabel().replace('_', '-') + ".png");
      SweepPlot.write(
          png,
          String.format(
              Locale.ROOT,
              "%s vs %s (%s, %d samples, noise %.1f)",
              settings.generators().get(0),
              settings.sweepLabel(),
              splitName,
              samples.size(),
              settings.simulation().noise()),
          settings.sweepLabel(),
          settings.sweepValues(),
          rowsOut);
      System.out.println("Wrote " + png);
    }
    Report.writeSamples(settings.out(), ds, samples, images, settings.rows());
    System.out.println();
    System.out.print(Report.markdown(table));
    System.out.println(
        "\nWrote " + settings.out().resolve("metrics.csv") + ", metrics.md and samples.png");
  }
}
