/**
 * The DJL networks and their inference: Pigeon's visual tokenizer (VQ autoencoder), {@link
 * io.pigeonstreams.model.MaskGenerator}, {@link io.pigeonstreams.model.PersonalizationModule}, the
 * whole {@link io.pigeonstreams.model.PigeonNet}, the taste encoder, weights (float16) and devices.
 * No training loops, no Kafka, no engine interfaces. Uses only DJL and {@code image}.
 */
package io.pigeonstreams.model;
