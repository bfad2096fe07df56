package io.pigeonstreams.eval;

/**
 * One generator's scores on one split, the analogues of the paper's Table 1.
 *
 * @param styleAcc generated image judged to be in the user's preferred style (personalization)
 * @param identityTop1 generated image judged to show the reference's emoji (semantic alignment)
 * @param identityTop5 the same, within the identity judge's top 5
 * @param overall harmonic mean of styleAcc and identityTop5 (the paper's F1)
 * @param histSim judge-feature cosine similarity to the history images (CIS analogue)
 * @param refSim judge-feature cosine similarity to the reference (DIS analogue)
 * @param msssimHist mean MS-SSIM to the history images
 * @param msssimGt MS-SSIM to the ground truth (the target emoji in the user's style)
 * @param fd Frechet distance in judge-feature space to the real ground-truth images (FID analogue)
 */
public record MetricsRow(
    String generator,
    String split,
    long seed,
    double noise,
    double styleAcc,
    double identityTop1,
    double identityTop5,
    double overall,
    double histSim,
    double refSim,
    double msssimHist,
    double msssimGt,
    double fd,
    int samples) {

  public static final String CSV_HEADER =
      "generator,style_acc,identity_top1,identity_top5,overall,hist_sim,ref_sim,msssim_hist,"
          + "msssim_gt,fd,samples,split,seed,noise";

  public static double harmonicMean(double a, double b) {
    return a + b == 0 ? 0 : 2 * a * b / (a + b);
  }

  public String toCsv() {
    return String.format(
        java.util.Locale.ROOT,
        "%s,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%s,%d,%.2f",
        generator,
        styleAcc,
        identityTop1,
        identityTop5,
        overall,
        histSim,
        refSim,
        msssimHist,
        msssimGt,
        fd,
        samples,
        split,
        seed,
        noise);
  }

  public static MetricsRow parseCsv(String line) {
    String[] f = line.split(",");
    return new MetricsRow(
        f[0],
        f[11],
        Long.parseLong(f[12]),
        Double.parseDouble(f[13]),
        Double.parseDouble(f[1]),
        Double.parseDouble(f[2]),
        Double.parseDouble(f[3]),
        Double.parseDouble(f[4]),
        Double.parseDouble(f[5]),
        Double.parseDouble(f[6]),
        Double.parseDouble(f[7]),
        Double.parseDouble(f[8]),
        Double.parseDouble(f[9]),
        Integer.parseInt(f[10]));
  }
}
