/**
 * Pigeon behind the engine's interfaces: the mask generator as the {@code HistoryMasker}, the
 * personalization module and decoder as the {@code ImageGenerator}, the tokenizer as the {@code
 * VisualTokenizer}, and the production scorer ({@link
 * io.pigeonstreams.generate.pigeon.EncoderScorer}: taste encoder and tokenizer features; never a
 * judge). Uses {@code model}.
 */
package io.pigeonstreams.generate.pigeon;
