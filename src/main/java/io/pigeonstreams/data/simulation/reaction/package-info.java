/**
 * How simulated users react to the images they are shown: a reaction model of their own (its own
 * network, seed and weights, trained on TRAIN pairs only) reads an image's style and category, and
 * a user likes it when they match its hidden preference. It is never used by the generator, the
 * scorer or any training stage except through the reactions it produces, as real users would; the
 * benchmark's judges stay evaluation-only.
 */
package io.pigeonstreams.data.simulation.reaction;
