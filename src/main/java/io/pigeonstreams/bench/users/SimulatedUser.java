package io.pigeonstreams.bench.users;

import io.pigeonstreams.bench.data.Split;
import java.util.List;

/** A simulated user: one preferred style, a few favoured categories and its interactions. */
public record SimulatedUser(
    int id,
    Split split,
    int preferredStyle,
    List<String> interests,
    List<Interaction> interactions) {}
