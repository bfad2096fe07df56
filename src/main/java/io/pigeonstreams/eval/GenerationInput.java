package io.pigeonstreams.eval;

import java.util.List;

/**
 * What a generator receives for one benchmark request: the user's history images (most recent
 * first, as everywhere), the reference image and its caption (the emoji's name). Images are 3x32x32
 * CHW arrays in [0, 1]. The ground truth is never passed.
 *
 * @param seed a per-sample seed, for generators that sample
 */
public record GenerationInput(
    List<float[]> history, float[] reference, String caption, long seed) {}
