package io.pigeonstreams.generate;

/** A generated image, its visual tokens (may be empty) and the alpha_r it was generated at. */
public record Candidate(float[] image, int[] tokens, double alphaR) {}
