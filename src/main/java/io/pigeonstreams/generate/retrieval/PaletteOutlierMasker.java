package io.pigeonstreams.generate.retrieval;

import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.MaskedHistory;
import io.pigeonstreams.generate.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Masks the history items whose colour palette is farthest from the history's mean palette: items
 * in another style than most of the history (the noise of a noisy history) stand out there. Keeps
 * ceil((1 - alpha_h) * n) items, at least one. A heuristic stand-in for Pigeon's learned mask
 * generator, which scores tokens instead of whole items.
 */
public final class PaletteOutlierMasker implements HistoryMasker {

  @Override
  public MaskedHistory keep(List<HistoryEntry> history, double alphaH, float[] reference) {
    int n = history.size();
    if (n == 0) {
      return MaskedHistory.unmasked(List.of());
    }
    int keep = Math.max(1, (int) Math.ceil((1 - alphaH) * n - 1e-9));
    if (keep >= n) {
      return MaskedHistory.unmasked(history);
    }
    List<double[]> hists =
        history.stream().map(h -> PaletteTokenizer.histogram(h.tokens())).toList();
    double[] mean = new double[PaletteTokenizer.VOCABULARY];
    for (double[] h : hists) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += h[i] / n;
      }
    }
    double[] score = hists.stream().mapToDouble(h -> Vectors.cosine(h, mean)).toArray();
    List<Integer> kept =
        new ArrayList<>(
            IntStream.range(0, n)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -score[i]).thenComparing(i -> i))
                .limit(keep)
                .toList());
    kept.sort(Comparator.naturalOrder()); // back to most-recent-first order
    return MaskedHistory.unmasked(kept.stream().map(history::get).toList());
  }
}
