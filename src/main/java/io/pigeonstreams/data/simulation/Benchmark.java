package io.pigeonstreams.data.simulation;

import io.pigeonstreams.data.Split;
import java.util.List;

/** The simulated users and their samples, as one seed and noise level produce them. */
public record Benchmark(SimulationConfig config, List<SimulatedUser> users, List<Sample> samples) {

  public List<Sample> samples(Split split) {
    return samples.stream().filter(s -> s.split() == split).toList();
  }
}
