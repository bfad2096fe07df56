/**
 * The direct image-to-image generator ({@code pigeon.generator=unet}): the conditional U-Net of
 * issue #11's reference row behind the engine's {@code ImageGenerator}, with Pigeon's tokenizer,
 * mask generator and production scorer around it. Uses {@code model}.
 */
package io.pigeonstreams.generate.unet;
