/**
 * Simulated users with a known preferred style and noisy histories, the sliding-window samples
 * (8:1:1 splits) and their images: the ground truth the quality benchmark and the training stages
 * use.
 */
package io.pigeonstreams.data.simulation;
