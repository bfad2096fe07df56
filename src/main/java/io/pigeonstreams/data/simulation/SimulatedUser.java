package io.pigeonstreams.data.simulation;

import io.pigeonstreams.data.Split;
import java.util.List;

/** A simulated user: one preferred style, a few favoured categories and its interactions. */
public record SimulatedUser(
    int id,
    Split split,
    int preferredStyle,
    List<String> interests,
    List<Interaction> interactions) {}
