/**
 * The engine's interfaces to a generator ({@link io.pigeonstreams.generate.VisualTokenizer}, {@link
 * io.pigeonstreams.generate.HistoryMasker}, {@link io.pigeonstreams.generate.ImageGenerator},
 * {@link io.pigeonstreams.generate.PreferenceScorer}) and the values that cross them;
 * implementations live in {@code pigeon} (the trained model) and {@code retrieval} (no model). May
 * use {@code model} (only the {@code pigeon} implementation does) and the infrastructure packages.
 */
package io.pigeonstreams.generate;
