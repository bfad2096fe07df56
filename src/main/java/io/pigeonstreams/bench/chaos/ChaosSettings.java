package io.pigeonstreams.bench.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One chaos run.
 *
 * @param scenario {@code instances}, {@code brokers}, {@code standby} or {@code overload}
 * @param out where the engines' folders, their logs and {@code chaos-SCENARIO.md} go
 * @param instances engine JVMs (the overload scenario runs one)
 * @param brokers brokers of the in-process cluster
 * @param partitions partitions of every topic
 * @param users users with a history, sending the requests
 * @param rate requests per second of the steady load (the overload scenario measures its own)
 * @param duration how long the load runs
 * @param kills SIGKILLs of the instances scenario
 * @param stateRecords extra interactions that make the stores' changelogs long (standby)
 * @param seed the random schedule's seed
 * @param engineSettings engine settings over the harness's own (e.g. {@code
 *     num.standby.replicas=1}, or {@code processing.guarantee=at_least_once} to see the count catch
 *     duplicates)
 */
public record ChaosSettings(
    String scenario,
    Path out,
    String generator,
    int instances,
    int brokers,
    int partitions,
    int users,
    double rate,
    Duration duration,
    int kills,
    int stateRecords,
    long seed,
    java.util.Map<String, String> engineSettings) {

  public static final java.util.List<String> SCENARIOS =
      java.util.List.of("instances", "brokers", "standby", "overload");

  public ChaosSettings {
    if (!SCENARIOS.contains(scenario)) {
      throw new IllegalArgumentException(
          "unknown scenario " + scenario + "; one of " + String.join(", ", SCENARIOS));
    }
    if (instances < 1 || brokers < 1 || partitions < 1 || users < 1 || rate <= 0) {
      throw new IllegalArgumentException(
          "instances, brokers, partitions, users and rate must be positive");
    }
    engineSettings = java.util.Map.copyOf(engineSettings);
  }
}
