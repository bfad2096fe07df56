package io.pigeonstreams.data.simulation;

/**
 * How simulated users are drawn. Defaults follow the paper's protocol: N = 5 history items per
 * sample, a noisy fraction epsilon = 0.2 of each history.
 *
 * @param seed everything random derives from it: same seed, same users and samples
 * @param noise epsilon, the probability that an interaction is with another style than the user's
 * @param users how many users; split 8:1:1 into train, validation and test users
 * @param historyLength N, the history items in one sample (the paper uses 5)
 * @param sequenceLength interactions per user; each yields sequenceLength - N samples (stride 1)
 * @param interestCategories how many emoji categories a user favours
 * @param interestWeight probability that an interaction comes from a favoured category
 */
public record SimulationConfig(
    long seed,
    double noise,
    int users,
    int historyLength,
    int sequenceLength,
    int interestCategories,
    double interestWeight) {

  public static final double DEFAULT_NOISE = 0.2;

  public SimulationConfig {
    if (!(noise >= 0.0 && noise <= 1.0)) {
      throw new IllegalArgumentException("noise must be in [0, 1], got " + noise);
    }
    if (users < 10) {
      throw new IllegalArgumentException("need at least 10 users for an 8:1:1 split, got " + users);
    }
    if (historyLength < 1 || sequenceLength <= historyLength) {
      throw new IllegalArgumentException(
          "need 1 <= historyLength < sequenceLength, got "
              + historyLength
              + " and "
              + sequenceLength);
    }
    if (!(interestWeight >= 0.0 && interestWeight <= 1.0) || interestCategories < 1) {
      throw new IllegalArgumentException(
          "invalid interests: " + interestCategories + ", " + interestWeight);
    }
  }

  /** The same settings for another number of users. */
  public SimulationConfig withUsers(int count) {
    return new SimulationConfig(
        seed, noise, count, historyLength, sequenceLength, interestCategories, interestWeight);
  }

  /** 2,000 users x 7 windows = 14,000 samples (11,200 / 1,400 / 1,400). */
  public static SimulationConfig defaults(long seed, double noise) {
    return new SimulationConfig(seed, noise, 2000, 5, 12, 2, 0.8);
  }
}
