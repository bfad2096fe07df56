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
 */
public record PigeonConfig(
    int width,
    int heads,
    int layers,
    int maskLayers,
    int textVocabulary,
    int maxTextTokens,
    double alphaH,
    float gumbelTemperature) {

  /** The same network with another history mask ratio (0 for the no-mask ablation). */
  public PigeonConfig withAlphaH(double ratio) {
    return new PigeonConfig(
        width, heads, layers, maskLayers, textVocabulary, maxTextTokens, ratio, gumbelTemperature);
  }

  public static PigeonConfig defaults() {
    return new PigeonConfig(128, 4, 4, 2, 2048, 8, 0.2, 0.5f);
  }
}
