package io.pigeonstreams.model;

/**
 * Sizes and defaults of the Pigeon network, sized for 2 CPU cores (see issue #4's compute budget).
 *
 * @param width C, width of every token embedding and transformer
 * @param heads attention heads
 * @param layers personalization transformer layers
 * @param maskLayers mask generator encoder layers
 * @param textVocabulary hashed word buckets for the caption (no vocabulary file needed)
 * @param maxTextTokens caption words kept
 * @param alphaH the paper's default history mask ratio
 * @param gumbelTemperature temperature of the history keep-probabilities
 * @param historyGrid each history image's token grid is average-pooled to historyGrid x historyGrid
 *     tokens (the history carries the style; the reference's whole grid the shape)
 * @param decodeSteps iterative parallel decoding (MaskGIT) steps; every step is one network pass
 * @param temperature sampling temperature of the decoding; 0 takes the most likely token
 * @param styleDim width of the per-image style feature of the history (the taste encoder's
 *     embedding, {@link StyleEncoder#DIM})
 */
public record PigeonConfig(
    int width,
    int heads,
    int layers,
    int maskLayers,
    int textVocabulary,
    int maxTextTokens,
    double alphaH,
    float gumbelTemperature,
    int historyGrid,
    int decodeSteps,
    float temperature,
    int styleDim) {

  public PigeonConfig {
    if (decodeSteps < 1) {
      throw new IllegalArgumentException("decodeSteps must be at least 1, got " + decodeSteps);
    }
    if (historyGrid < 1 || !(temperature >= 0)) {
      throw new IllegalArgumentException(
          "need historyGrid >= 1 and temperature >= 0, got " + historyGrid + ", " + temperature);
    }
  }

  /** The same network with another history mask ratio (0 for the no-mask ablation). */
  public PigeonConfig withAlphaH(double ratio) {
    return new PigeonConfig(
        width,
        heads,
        layers,
        maskLayers,
        textVocabulary,
        maxTextTokens,
        ratio,
        gumbelTemperature,
        historyGrid,
        decodeSteps,
        temperature,
        styleDim);
  }

  /** The same network decoded in another number of steps at another temperature. */
  public PigeonConfig withDecoding(int steps, float samplingTemperature) {
    return new PigeonConfig(
        width,
        heads,
        layers,
        maskLayers,
        textVocabulary,
        maxTextTokens,
        alphaH,
        gumbelTemperature,
        historyGrid,
        steps,
        samplingTemperature,
        styleDim);
  }

  public static PigeonConfig defaults() {
    return new PigeonConfig(128, 4, 4, 2, 2048, 8, 0.2, 0.5f, 2, 4, 0f, StyleEncoder.DIM);
  }
}
