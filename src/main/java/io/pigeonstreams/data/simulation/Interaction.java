package io.pigeonstreams.data.simulation;

/** A user's interaction with one catalog image: an emoji drawn in a style. */
public record Interaction(int emoji, int style) {}
