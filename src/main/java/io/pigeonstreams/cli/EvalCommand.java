package io.pigeonstreams.cli;

import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.eval.EvalRun;
import io.pigeonstreams.eval.Generators;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate generators on the sticker benchmark: writes DIR/metrics.csv, DIR/metrics.md and"
          + " DIR/samples.png.",
      "Rows already in DIR/metrics.csv for other generators are kept, so later runs add to the"
          + " same table."
    })
final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--generator",
      required = true,
      split = ",",
      paramLabel = "NAME",
      description =
          "Generator(s), comma-separated, or 'baselines'. Known: ${COMPLETION-CANDIDATES}.",
      completionCandidates = GeneratorNames.class)
  List<String> generators;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "test, val or train (default: ${DEFAULT-VALUE}).")
  String split;

  @Mixin SimulationOptions simulation;

  @Option(
      names = "--users",
      defaultValue = "2000",
      description = "Simulated users, split 8:1:1 (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--limit", description = "Evaluate at most N samples of the split.")
  Integer limit;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Mixin DataOption data;

  @Option(
      names = "--judges",
      defaultValue = "models/judges",
      description = "Judge weights folder (default: ${DEFAULT-VALUE}).")
  Path judges;

  @Option(
      names = "--alpha-h",
      description =
          "History mask ratio for Pigeon generators (default: the checkpoint's, 0.2; 0 for"
              + " pigeon-nomask); ignored by baselines.")
  Double alphaH;

  @Option(
      names = "--alpha-r",
      description =
          "Reference mask ratio for Pigeon generators (default: the best of 0.0, 0.1, ..., 1.0 for"
              + " each request by the production scorer, as the paper does); ignored by baselines.")
  Double alphaR;

  @Option(
      names = "--decode-steps",
      description =
          "Iterative decoding steps of Pigeon generators (default: the model's, "
              + "PigeonConfig.defaults()); ignored by baselines.")
  Integer decodeSteps;

  @Option(
      names = "--temperature",
      description =
          "Sampling temperature of Pigeon's decoding (default: the model's; 0: the most likely"
              + " token); a sampled candidate is seeded by its request, so runs repeat.")
  Float temperature;

  @Option(
      names = "--selection",
      description =
          "How Pigeon's candidates are ranked: balanced (the engine's default: harmonic mean of"
              + " personalization and alignment, each normalized over the request's candidates),"
              + " sum (0.5 + 0.5, the paper's code) or personalization.")
  String selection;

  /** What {@code --sweep} varies. */
  enum Sweep {
    ALPHA_H("alpha_h", List.of(0.0, 0.2, 0.4, 0.6, 0.8)),
    ALPHA_R("alpha_r", List.of(0.0, 0.25, 0.5, 0.75, 1.0));

    final String label;
    final List<Double> values;

    Sweep(String label, List<Double> values) {
      this.label = label;
      this.values = values;
    }
  }

  @Option(
      names = "--sweep",
      description =
          "Run one Pigeon generator over a grid of one mask ratio and plot the metrics against it"
              + " (OUT/sweep-<ratio>.png): ALPHA_H over 0, 0.2, ..., 0.8 or ALPHA_R over 0, 0.25,"
              + " ..., 1.")
  Sweep sweep;

  @Option(
      names = "--models",
      defaultValue = "models",
      description = "Model weights folder (default: ${DEFAULT-VALUE}).")
  Path models;

  @Option(
      names = "--rows",
      defaultValue = "12",
      description =
          "Rows in samples.png: random requests of the split, the same draw every run (default: ${DEFAULT-VALUE}).")
  int rows;

  @Override
  public Integer call() throws Exception {
    Split chosenSplit = parseSplit();
    SimulationConfig config = simulation.config(users);
    for (Double ratio : new Double[] {alphaH, alphaR}) {
      if (ratio != null && !(ratio >= 0 && ratio <= 1)) {
        throw new ParameterException(
            spec.commandLine(), "--alpha-h and --alpha-r must be in [0, 1], got " + ratio);
      }
    }
    if (limit != null && limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be >= 1, got " + limit);
    }
    List<String> names = new ArrayList<>();
    for (String g : generators) {
      if (g.equals("baselines")) {
        names.addAll(Generators.BASELINES);
      } else if (Generators.names().contains(g)) {
        names.add(g);
      } else {
        throw new ParameterException(
            spec.commandLine(),
            "unknown generator '" + g + "'; known: " + String.join(", ", Generators.names()));
      }
    }
    if (sweep != null
        && (names.size() != 1 || !names.get(0).startsWith("pigeon") || ratioOfSweep() != null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--sweep runs exactly one Pigeon generator and sets "
              + "--"
              + sweep.label.replace('_', '-')
              + " itself");
    }
    new EvalRun(
            new EvalRun.Settings(
                names,
                chosenSplit,
                config,
                limit,
                models,
                judges,
                out,
                rows,
                ratios(),
                sweep == null ? null : sweep.label,
                sweep == null ? List.of() : sweep.values))
        .run(data.load());
    return 0;
  }

  /** The ratio the sweep varies, as given on the command line (must be unset). */
  private Double ratioOfSweep() {
    return sweep == Sweep.ALPHA_H ? alphaH : alphaR;
  }

  private io.pigeonstreams.generate.Candidates.Selection selection() {
    if (selection == null) {
      return null;
    }
    try {
      return io.pigeonstreams.generate.Candidates.Selection.parse(selection);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The generator's ratios: as given, or one per value of the sweep. */
  private List<Generators.Inference> ratios() {
    if (sweep == null) {
      return List.of(
          new Generators.Inference(alphaH, alphaR, decodeSteps, temperature, selection()));
    }
    return sweep.values.stream()
        .map(
            v ->
                sweep == Sweep.ALPHA_H
                    ? new Generators.Inference(v, alphaR, decodeSteps, temperature, selection())
                    : new Generators.Inference(alphaH, v, decodeSteps, temperature, selection()))
        .toList();
  }

  private Split parseSplit() {
    try {
      return Split.parse(split);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static final class GeneratorNames extends ArrayList<String> {
    GeneratorNames() {
      super(Generators.names());
    }
  }
}
