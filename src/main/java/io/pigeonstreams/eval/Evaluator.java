package io.pigeonstreams.eval;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.eval.judge.Judge;
import io.pigeonstreams.eval.judge.Ranking;
import io.pigeonstreams.eval.metrics.FrechetDistance;
import io.pigeonstreams.eval.metrics.MsSsim;
import io.pigeonstreams.generate.HistoryOrder;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * Runs a generator on benchmark samples and scores what it produced with the two judges and the
 * image metrics. Judge features are the concatenation of both judges' 128-d embeddings: cosine
 * similarities use each half L2-normalized (so a cosine is the mean of the style and identity
 * cosines); the Frechet distance uses the raw features, as FID uses raw Inception features.
 */
public final class Evaluator {

  private static final int BATCH = 64;

  private final StickerDataset dataset;
  private final Judge styleJudge;
  private final Judge identityJudge;
  private final boolean progress;

  public Evaluator(
      StickerDataset dataset, Judge styleJudge, Judge identityJudge, boolean progress) {
    this.dataset = dataset;
    this.styleJudge = styleJudge;
    this.identityJudge = identityJudge;
    this.progress = progress;
  }

  /** A generator's scores and the images it generated, in sample order. */
  public record Result(MetricsRow row, List<float[]> generated) {}

  public Result evaluate(
      StickerGenerator generator, List<Sample> samples, String split, long seed, double noise) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples to evaluate");
    }
    if (generator instanceof TruthGenerator) {
      List<float[]> truths = samples.stream().map(s -> image(s.groundTruth())).toList();
      return new Result(score(generator.name(), samples, truths, split, seed, noise), truths);
    }
    List<float[]> generated = new ArrayList<>(samples.size());
    try (ProgressBar bar =
        progress ? new ProgressBar("Generating " + generator.name(), samples.size()) : null) {
      for (int from = 0; from < samples.size(); from += BATCH) {
        List<GenerationInput> batch = new ArrayList<>();
        for (Sample s : samples.subList(from, Math.min(samples.size(), from + BATCH))) {
          batch.add(inputOf(s, seed));
        }
        List<float[]> out = generator.generate(batch);
        if (out.size() != batch.size()) {
          throw new IllegalStateException(
              generator.name() + " returned " + out.size() + " images for " + batch.size());
        }
        for (float[] img : out) {
          if (img == null || img.length != StickerDataset.PIXELS) {
            throw new IllegalStateException(generator.name() + " returned a malformed image");
          }
          generated.add(img);
        }
        if (bar != null) {
          bar.stepBy(batch.size());
        }
      }
    }
    return new Result(score(generator.name(), samples, generated, split, seed, noise), generated);
  }

  GenerationInput inputOf(Sample s, long seed) {
    List<float[]> history = new ArrayList<>();
    for (Interaction h : s.history()) {
      history.add(dataset.image(h.emoji(), h.style()));
    }
    Interaction ref = s.reference();
    return new GenerationInput(
        HistoryOrder.mostRecentFirst(history), // the sample is a window in time order
        dataset.image(ref.emoji(), ref.style()),
        dataset.emoji().get(ref.emoji()).name(),
        seed * 1_000_003L + s.id());
  }

  MetricsRow score(
      String name,
      List<Sample> samples,
      List<float[]> generated,
      String split,
      long seed,
      double noise) {
    int n = samples.size();
    List<float[]> refs = new ArrayList<>(n);
    List<float[]> truths = new ArrayList<>(n);
    for (Sample s : samples) {
      refs.add(image(s.reference()));
      truths.add(image(s.groundTruth()));
    }
    Features gen = features(generated);
    Features ref = features(refs);
    Features gt = features(truths);

    int styleHits = 0;
    int top1 = 0;
    int top5 = 0;
    double histSim = 0;
    double refSim = 0;
    double msssimHist = 0;
    double msssimGt = 0;
    for (int i = 0; i < n; i++) {
      Sample s = samples.get(i);
      styleHits += Ranking.argmax(gen.styleLogits[i]) == s.preferredStyle() ? 1 : 0;
      int rank = Ranking.rankOf(gen.identityLogits[i], s.target().emoji());
      top1 += rank == 0 ? 1 : 0;
      top5 += rank < 5 ? 1 : 0;
      List<float[]> historyImages = new ArrayList<>();
      for (Interaction h : s.history()) {
        historyImages.add(image(h));
      }
      Features hist = features(historyImages);
      double hs = 0;
      double hm = 0;
      for (int h = 0; h < historyImages.size(); h++) {
        hs += cosine(gen.unit[i], hist.unit[h]);
        hm += msssim(generated.get(i), historyImages.get(h));
      }
      histSim += hs / historyImages.size();
      msssimHist += hm / historyImages.size();
      refSim += cosine(gen.unit[i], ref.unit[i]);
      msssimGt += msssim(generated.get(i), truths.get(i));
    }
    double styleAcc = styleHits / (double) n;
    double identityTop5 = top5 / (double) n;
    return new MetricsRow(
        name,
        split,
        seed,
        noise,
        styleAcc,
        top1 / (double) n,
        identityTop5,
        MetricsRow.harmonicMean(styleAcc, identityTop5),
        histSim / n,
        refSim / n,
        msssimHist / n,
        msssimGt / n,
        n >= 2 ? FrechetDistance.compute(gen.raw, gt.raw) : Double.NaN,
        n);
  }

  private float[] image(Interaction i) {
    return dataset.image(i.emoji(), i.style());
  }

  private static double msssim(float[] a, float[] b) {
    return MsSsim.compute(a, b, 3, StickerDataset.SIZE, StickerDataset.SIZE);
  }

  /** Both judges' outputs for a list of images. */
  private static final class Features {
    float[][] styleLogits;
    float[][] identityLogits;
    double[][] raw; // (n, 256): style features then identity features
    double[][] unit; // (n, 256): each half L2-normalized, scaled by 1/sqrt(2)
  }

  private Features features(List<float[]> images) {
    Judge.Output style = styleJudge.apply(images);
    Judge.Output identity = identityJudge.apply(images);
    Features f = new Features();
    f.styleLogits = style.logits();
    f.identityLogits = identity.logits();
    int n = images.size();
    f.raw = new double[n][];
    f.unit = new double[n][];
    for (int i = 0; i < n; i++) {
      float[] a = style.features()[i];
      float[] b = identity.features()[i];
      double[] raw = new double[a.length + b.length];
      double[] unit = new double[a.length + b.length];
      double na = norm(a);
      double nb = norm(b);
      for (int k = 0; k < a.length; k++) {
        raw[k] = a[k];
        unit[k] = a[k] / na / Math.sqrt(2);
      }
      for (int k = 0; k < b.length; k++) {
        raw[a.length + k] = b[k];
        unit[a.length + k] = b[k] / nb / Math.sqrt(2);
      }
      f.raw[i] = raw;
      f.unit[i] = unit;
    }
    return f;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.max(Math.sqrt(s), 1e-12);
  }

  static double cosine(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
