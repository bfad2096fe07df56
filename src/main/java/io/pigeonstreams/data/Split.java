package io.pigeonstreams.data;

/** Which part of the benchmark a sample, user or (emoji, style) pair belongs to. */
public enum Split {
  TRAIN,
  VAL,
  TEST;

  public static Split parse(String text) {
    for (Split split : values()) {
      if (split.name().equalsIgnoreCase(text)) {
        return split;
      }
    }
    throw new IllegalArgumentException(
        "unknown split '" + text + "' (expected train, val or test)");
  }
}
