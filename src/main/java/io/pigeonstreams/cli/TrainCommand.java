package io.pigeonstreams.cli;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.eval.judge.JudgeTrainer;
import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.TokenizerConfig;
import io.pigeonstreams.train.DpoTrainer;
import io.pigeonstreams.train.ScorerTrainer;
import io.pigeonstreams.train.SftTrainer;
import io.pigeonstreams.train.TokenizerTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    description = "Train models.",
    subcommands = {
      TrainCommand.Judges.class,
      TrainCommand.Tokenizer.class,
      TrainCommand.Sft.class,
      TrainCommand.Scorer.class,
      TrainCommand.Dpo.class
    })
final class TrainCommand {

  @Command(
      name = "judges",
      mixinStandardHelpOptions = true,
      description =
          "Train the benchmark's style and identity judges on real TRAIN-pair images only and"
              + " write them (and their model card) to --out.")
  static final class Judges implements Callable<Integer> {
    @Mixin DataOption data;

    @Option(
        names = "--out",
        defaultValue = "models/judges",
        description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
        names = "--only",
        description = "Train just one judge: STYLE or IDENTITY (default: both).")
    JudgeTrainer.Kind only;

    @Option(names = "--epochs-style", description = "Epochs for the style judge (default 20).")
    Integer epochsStyle;

    @Option(
        names = "--epochs-identity",
        description = "Epochs for the identity judge (default 60).")
    Integer epochsIdentity;

    @Override
    public Integer call() throws Exception {
      StickerDataset ds = data.load();
      List<JudgeTrainer.Report> reports = new ArrayList<>();
      for (JudgeTrainer.Kind kind : JudgeTrainer.Kind.values()) {
        if (only != null && only != kind) {
          continue;
        }
        JudgeTrainer.Settings s = JudgeTrainer.Settings.defaults(kind);
        Integer epochs = kind == JudgeTrainer.Kind.STYLE ? epochsStyle : epochsIdentity;
        if (epochs != null) {
          if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
          }
          s =
              new JudgeTrainer.Settings(
                  epochs, s.batchSize(), s.learningRate(), s.seed(), s.maxShift());
        }
        JudgeTrainer.Report r = JudgeTrainer.train(ds, kind, s, out, true);
        reports.add(r);
        System.out.println(describe(r, s));
      }
      Files.writeString(out.resolve("README.md"), modelCard(out, reports), StandardCharsets.UTF_8);
      return 0;
    }

    private static String describe(JudgeTrainer.Report r, JudgeTrainer.Settings s) {
      return String.format(
          Locale.ROOT,
          "%s: %d epochs, train accuracy %.3f on %d images; held-out accuracy %.3f (top-5 %.3f)"
              + " on %d images; %.1f min",
          r.kind(),
          s.epochs(),
          r.trainAccuracy(),
          r.trainImages(),
          r.heldOutAccuracy(),
          r.heldOutTop5(),
          r.heldOutImages(),
          r.millis() / 60000.0);
    }

    /** One line per judge in judges.tsv, merged by judge, so one judge can be retrained alone. */
    private static String modelCard(Path out, List<JudgeTrainer.Report> reports)
        throws java.io.IOException {
      Path tsv = out.resolve("judges.tsv");
      java.util.Map<String, String> lines =
          new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
      if (Files.isRegularFile(tsv)) {
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
          if (!line.isBlank() && !line.startsWith("judge\t")) {
            lines.put(line.split("\t")[0], line);
          }
        }
      }
      for (JudgeTrainer.Report r : reports) {
        String name = r.kind().name().toLowerCase(Locale.ROOT);
        lines.put(
            name,
            String.format(
                Locale.ROOT,
                "%s\t%d\t%d\t%.3f\t%d\t%.3f\t%.3f\t%.1f",
                name,
                r.epochs(),
                r.trainImages(),
                r.trainAccuracy(),
                r.heldOutImages(),
                r.heldOutAccuracy(),
                r.heldOutTop5(),
                r.millis() / 60000.0));
      }
      StringBuilder tsvText =
          new StringBuilder(
              "judge\tepochs\ttrain_images\ttrain_acc\theld_out_images\theld_out_top1\theld_out_top5\tminutes\n");
      StringBuilder sb = new StringBuilder();
      sb.append("# Benchmark judges\n\n")
          .append("Written by `java -jar target/pigeon-streams.jar train judges`. Two small CNNs")
          .append(" (`JudgeNet`: 3 stages of two 3x3 conv + BatchNorm + ReLU, 32/64/128 channels,")
          .append(
              " global average pool to a 128-d feature, dropout, linear head), trained with DJL")
          .append(" on PyTorch (CPU) on the real 32x32 images of TRAIN (emoji, style) pairs only,")
          .append(" with random shifts of up to 2 px. They only measure: no generator is trained")
          .append(" or rewarded with them.\n\n")
          .append("Held-out images are the TEST pairs of `data/stickers/heldout.tsv`: emoji in a")
          .append(
              " style the judges never saw them in (chance: 1/5 for style, 1/1533 for identity).")
          .append("\n\n")
          .append("| judge | epochs | train images | train acc | held-out images |")
          .append(" held-out top-1 | held-out top-5 | wall time |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (String line : lines.values()) {
        tsvText.append(line).append('\n');
        String[] f = line.split("\t");
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s | %s | %s | %s min |\n",
                f[0],
                f[1],
                f[2],
                f[3],
                f[4],
                f[5],
                f[6],
                f[7]));
      }
      sb.append("\nMeasured on 2 CPU cores, DJL 0.36.0, PyTorch 2.7.1 (CPU).\n");
      Files.writeString(tsv, tsvText.toString(), StandardCharsets.UTF_8);
      return sb.toString();
    }
  }

  @Command(
      name = "tokenizer",
      mixinStandardHelpOptions = true,
      description =
          "Train Pigeon's visual tokenizer and decoder (VQ autoencoder, 16 tokens per 32x32 image)"
              + " on TRAIN-pair images; reports reconstruction on held-out images.")
  static final class Tokenizer implements Callable<Integer> {
    @Mixin DataOption data;

    @Mixin TrainingOptions training;

    @Override
    public Integer call() throws Exception {
      StickerDataset ds = data.load();
      TokenizerTrainer.Settings d = TokenizerTrainer.Settings.defaults();
      TokenizerTrainer.Settings s =
          new TokenizerTrainer.Settings(
              training.epochs(d.epochs()), d.batchSize(), d.learningRate(), d.seed());
      TokenizerConfig config = TokenizerConfig.defaults();
      Path out = training.out;
      TokenizerTrainer.Report r =
          TokenizerTrainer.train(ds, config, s, out, true, training.maxSteps());
      String card =
          String.format(
              Locale.ROOT,
              "# Visual tokenizer (VQ autoencoder)%n%n"
                  + "Written by `java -jar target/pigeon-streams.jar train tokenizer`. 3x32x32 image ->"
                  + " 4x4 grid of codes from a codebook of %d x %d (16 visual tokens) -> image."
                  + " Encoder: three stride-2 4x4 convolutions (%d channels), a 3x3 and a 1x1"
                  + " convolution; decoder mirrored with 2x upsampling + 3x3 convolutions and a sigmoid."
                  + " Trained with DJL (PyTorch, CPU) on the real images of TRAIN (emoji, style)"
                  + " pairs only: MSE + codebook loss + %.2f x commitment loss, straight-through"
                  + " gradients.%n%n"
                  + "| | |%n|---|---|%n"
                  + "| train images | %d |%n| epochs | %d (batch %d, Adam, cosine from %.0e) |%n"
                  + "| loss first / last step | %.4f / %.4f |%n"
                  + "| held-out images (TEST pairs) | %d |%n"
                  + "| held-out MS-SSIM (3 scales) | %.3f |%n| held-out PSNR | %.2f dB |%n"
                  + "| codes used on held-out images | %d of %d |%n| wall time | %.1f min |%n",
              config.codebookSize(),
              config.codeDim(),
              config.hidden(),
              config.commitment(),
              r.trainImages(),
              s.epochs(),
              s.batchSize(),
              (double) s.learningRate(),
              r.firstLoss(),
              r.lastLoss(),
              r.heldOutImages(),
              r.heldOutMsSsim(),
              r.heldOutPsnr(),
              r.codesUsed(),
              config.codebookSize(),
              r.millis() / 60000.0);
      TrainingOptions.writeCard(out.resolve("tokenizer.md"), card);
      return 0;
    }
  }

  @Command(
      name = "sft",
      mixinStandardHelpOptions = true,
      description =
          "Stage 1: masked preference reconstruction of the Pigeon network on TRAIN samples"
              + " (needs the tokenizer in --out).")
  static final class Sft implements Callable<Integer> {
    @Mixin DataOption data;

    @Mixin TrainingOptions training;

    @Option(
        names = "--no-mask",
        description =
            "Train the ablation without the history mask (alpha_h = 0), saved as "
                + SftTrainer.NOMASK
                + ".")
    boolean noMask;

    @Option(
        names = "--resume",
        description =
            "Continue an interrupted run from its last epoch checkpoint (--out/<name>.resume/).")
    boolean resume;

    @Override
    public Integer call() throws Exception {
      StickerDataset ds = data.load();
      SftTrainer.Settings d = SftTrainer.Settings.defaults();
      SftTrainer.Settings s =
          new SftTrainer.Settings(
              training.epochs(d.epochs()),
              d.batchSize(),
              d.learningRate(),
              d.seed(),
              d.simulationSeed(),
              d.noise(),
              training.maxSteps());
      Path out = training.out;
      PigeonConfig c = noMask ? PigeonConfig.defaults().withAlphaH(0) : PigeonConfig.defaults();
      String name = noMask ? SftTrainer.NOMASK : SftTrainer.NAME;
      try (PigeonTokenizer tokenizer = PigeonTokenizer.load(out, TokenizerConfig.defaults())) {
        SftTrainer.Report r = SftTrainer.train(ds, tokenizer, c, s, out, name, resume, true);
        String card =
            String.format(
                Locale.ROOT,
                "# Pigeon, stage 1 (masked preference reconstruction)%s%n%n"
                    + "Written by `java -jar target/pigeon-streams.jar train sft%s`. PigeonNet: token"
                    + " embeddings (width %d), MaskGenerator (%d transformer layers, %d heads;"
                    + " importance = cosine(hidden, embedding); Gumbel top-k history mask,"
                    + " alpha_h %.1f, straight-through), PersonalizationModule (%d layers; hybrid"
                    + " prompt of masked history tokens, adapted reference code vectors and %d"
                    + " hashed caption words; 16 target queries decoded in one parallel pass)."
                    + " Targets: the last image of each TRAIN window; reference: the target,"
                    + " masked with alpha_r ~ U(0, 1) (high-score tokens).%n%n"
                    + "| | |%n|---|---|%n| TRAIN samples (seed %d, noise %.1f) | %d |%n"
                    + "| steps | %d (batch %d, %d epoch(s), AdamW, cosine from %.0e) |%n"
                    + "| loss first step / mean of last 20 | %.3f / %.3f |%n"
                    + "| wall time | %.1f min on 2 CPU cores |%n",
                noMask ? ", ablation without the history mask" : "",
                noMask ? " --no-mask" : "",
                c.width(),
                c.maskLayers(),
                c.heads(),
                c.alphaH(),
                c.layers(),
                c.maxTextTokens(),
                s.simulationSeed(),
                s.noise(),
                r.samples(),
                r.steps(),
                s.batchSize(),
                s.epochs(),
                (double) s.learningRate(),
                r.firstLoss(),
                r.lastLoss(),
                r.millis() / 60000.0);
        TrainingOptions.writeCard(out.resolve(name + ".md"), card);
      }
      return 0;
    }
  }

  @Command(
      name = "dpo",
      mixinStandardHelpOptions = true,
      description =
          "Stage 2: pairwise preference alignment (DPO) of the stage-1 model in --out on TRAIN"
              + " prompts; writes pigeon-fp16.ndlist and pigeon.md.")
  static final class Dpo implements Callable<Integer> {
    @Mixin DataOption data;

    @Mixin TrainingOptions training;

    @Option(
        names = "--prompts",
        description = "TRAIN prompts to build preference pairs from (default: all 11,200).")
    Integer prompts;

    @Option(
        names = "--pairs",
        description =
            "Keep the preference pairs in this file: a rerun for the same prompts reads them"
                + " instead of building them again.")
    Path pairs;

    @Option(names = "--learning-rate", description = "Peak learning rate (default 5e-5).")
    Float learningRate;

    @Override
    public Integer call() throws Exception {
      StickerDataset ds = data.load();
      DpoTrainer.Settings d = DpoTrainer.Settings.defaults();
      DpoTrainer.Settings s =
          new DpoTrainer.Settings(
              training.epochs(d.epochs()),
              d.batchSize(),
              learningRate == null ? d.learningRate() : learningRate,
              d.beta(),
              d.promptAlphaR(),
              d.seed(),
              d.simulationSeed(),
              d.noise(),
              TrainingOptions.positive("--prompts", prompts, d.maxPrompts()),
              training.maxSteps());
      Path out = training.out;
      PigeonConfig c = PigeonConfig.defaults();
      DpoTrainer.Report r =
          DpoTrainer.train(
              ds, out, SftTrainer.NAME, c, TokenizerConfig.defaults(), s, out, pairs, true);
      String card =
          String.format(
              Locale.ROOT,
              "# Pigeon, stage 2 (pairwise preference alignment, DPO)%n%n"
                  + "Written by `java -jar target/pigeon-streams.jar train dpo`. For each TRAIN"
                  + " prompt (history, the target emoji drawn in another style as the reference,"
                  + " its caption) the frozen stage-1 model generates 11 candidates at alpha_r in"
                  + " {0.0, 0.1, ..., 1.0}; the reward is the mean similarity to the history images"
                  + " in the taste encoder of the production scorer (`scorer.md`; learned from"
                  + " interactions, not a benchmark judge); chosen = best, rejected = worst. DPO"
                  + " (Eq. 10) with beta %.2f; policy and reference both start from stage 1;"
                  + " log-likelihoods under the prompt at alpha_r %.1f, inference masks.%n%n"
                  + "| | |%n|---|---|%n| TRAIN prompts (seed %d, noise %.1f) | %d |%n"
                  + "| preference pairs (best != worst) | %d |%n"
                  + "| mean alpha_r of chosen / rejected | %.2f / %.2f |%n"
                  + "| mean reward gap chosen - rejected | %.4f |%n"
                  + "| steps | %d (batch %d pairs, %d epoch(s), AdamW, cosine from %.0e) |%n"
                  + "| DPO loss first step / mean of last 20 | %.3f / %.3f |%n"
                  + "| implicit reward accuracy, last 20 steps | %.3f |%n"
                  + "| wall time | %.1f min building pairs + %.1f min training, 2 CPU cores |%n",
              (double) s.beta(),
              s.promptAlphaR(),
              s.simulationSeed(),
              s.noise(),
              r.prompts(),
              r.pairs(),
              r.meanChosenAlphaR(),
              r.meanRejectedAlphaR(),
              r.meanRewardGap(),
              r.steps(),
              s.batchSize(),
              s.epochs(),
              (double) s.learningRate(),
              r.firstLoss(),
              r.lastLoss(),
              r.lastAccuracy(),
              r.pairMillis() / 60000.0,
              r.trainMillis() / 60000.0);
      TrainingOptions.writeCard(out.resolve(DpoTrainer.NAME + ".md"), card);
      return 0;
    }
  }

  @Command(
      name = "scorer",
      mixinStandardHelpOptions = true,
      description =
          "Train the production scorer's taste encoder contrastively from TRAIN interaction"
              + " windows (no labels); writes style-encoder-0000.params and scorer.md to --out.")
  static final class Scorer implements Callable<Integer> {
    @Mixin DataOption data;

    @Option(
        names = "--out",
        defaultValue = "models/pigeon",
        description = "Model folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--steps", description = "Training steps (default 1500).")
    Integer steps;

    @Override
    public Integer call() throws Exception {
      StickerDataset ds = data.load();
      ScorerTrainer.Settings d = ScorerTrainer.Settings.defaults();
      ScorerTrainer.Settings s =
          new ScorerTrainer.Settings(
              TrainingOptions.positive("--steps", steps, d.steps()),
              d.batchSize(),
              d.learningRate(),
              d.temperature(),
              d.seed());
      ScorerTrainer.Report r = ScorerTrainer.train(ds, s, out, true);
      String card =
          String.format(
              Locale.ROOT,
              "# Production scorer: taste encoder%n%n"
                  + "Written by `java -jar target/pigeon-streams.jar train scorer`. The judges'"
                  + " convolutional trunk and a linear projection to 64 dimensions, trained"
                  + " contrastively (symmetric InfoNCE, temperature %.2f) on pairs of images from"
                  + " the same TRAIN user window (seed 1, noise 0.2), the other pairs of the batch"
                  + " as negatives. No style or identity label is read. Used for personalization"
                  + " in the production scorer (candidate selection in the engine and the"
                  + " benchmark) and as the stage-2 (DPO) reward.%n%n"
                  + "| | |%n|---|---|%n| TRAIN windows | %d |%n"
                  + "| steps | %d (batch %d pairs, AdamW, cosine from %.0e) |%n"
                  + "| loss first step / mean of last 20 | %.3f / %.3f |%n"
                  + "| VAL: ground truth closer to the history than the reference | %.3f (0.5 ="
                  + " chance) |%n"
                  + "| wall time | %.1f min on 2 CPU cores |%n",
              (double) s.temperature(),
              r.windows(),
              r.steps(),
              s.batchSize(),
              (double) s.learningRate(),
              r.firstLoss(),
              r.lastLoss(),
              r.valPreference(),
              r.millis() / 60000.0);
      TrainingOptions.writeCard(out.resolve("scorer.md"), card);
      return 0;
    }
  }
}
