package io.pigeonstreams.eval.metrics;

import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.model.PigeonTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How well a visual tokenizer reconstructs real images (tokenize, then decode): mean MS-SSIM and
 * PSNR, and how many codes of the codebook the images use.
 */
public record Reconstruction(int images, double msSsim, double psnr, int codesUsed) {

  /** Tokenize -> decode on the real images of the given (emoji, style) pairs. */
  public static Reconstruction of(PigeonTokenizer tokenizer, StickerDataset ds, List<int[]> pairs) {
    double msssim = 0;
    double psnr = 0;
    Set<Integer> used = new HashSet<>();
    for (int from = 0; from < pairs.size(); from += 256) {
      List<float[]> images = new ArrayList<>();
      for (int[] p : pairs.subList(from, Math.min(pairs.size(), from + 256))) {
        images.add(ds.image(p[0], p[1]));
      }
      List<int[]> tokens = tokenizer.tokenize(images);
      tokens.forEach(t -> Arrays.stream(t).forEach(used::add));
      List<float[]> decoded = tokenizer.decode(tokens);
      for (int i = 0; i < images.size(); i++) {
        msssim += MsSsim.compute(images.get(i), decoded.get(i), 3, 32, 32);
        psnr += psnr(images.get(i), decoded.get(i));
      }
    }
    return new Reconstruction(
        pairs.size(), msssim / pairs.size(), psnr / pairs.size(), used.size());
  }

  /** Peak signal-to-noise ratio of two images in [0, 1], in dB (99 for identical images). */
  static double psnr(float[] a, float[] b) {
    double mse = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      mse += d * d;
    }
    mse /= a.length;
    return mse == 0 ? 99.0 : 10 * Math.log10(1.0 / mse);
  }
}
