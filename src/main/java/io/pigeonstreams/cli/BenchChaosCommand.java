package io.pigeonstreams.cli;

import io.pigeonstreams.bench.chaos.ChaosResult;
import io.pigeonstreams.bench.chaos.ChaosScenarios;
import io.pigeonstreams.bench.chaos.ChaosSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pigeon-streams bench chaos}: the options; the scenarios are {@link ChaosScenarios}. */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Faults under a steady open-loop load, with engines in JVMs of their own on an in-process"
          + " KRaft cluster, each run ending in the same count: every request the broker"
          + " acknowledged answered exactly once (duplicates and missing: target 0), with the"
          + " longest time without an answer and the recovery time per fault. Scenarios:"
          + " instances (SIGKILLs of random instances, then a rolling restart), brokers (the"
          + " leader of request partitions stopped and started again), standby (fail-over of a"
          + " killed instance without and with num.standby.replicas=1), overload (twice the"
          + " measured capacity). Writes OUT/chaos-SCENARIO.md. Exit 1 when a request was"
          + " duplicated or lost."
    })
final class BenchChaosCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DataOption data;

  @Option(
      names = "--scenario",
      required = true,
      description = "instances, brokers, standby or overload.")
  String scenario;

  @Option(
      names = "--instances",
      defaultValue = "3",
      description = "Engine JVMs (default: ${DEFAULT-VALUE}; standby runs 2, overload 1).")
  int instances;

  @Option(
      names = "--brokers",
      defaultValue = "3",
      description = "Brokers (default: ${DEFAULT-VALUE}: replication 3, min.insync.replicas 2).")
  int brokers;

  @Option(
      names = "--partitions",
      defaultValue = "6",
      description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--users",
      defaultValue = "24",
      description = "Users sending requests (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--rate",
      defaultValue = "2",
      description =
          "Requests per second of the steady load (default: ${DEFAULT-VALUE}, well under what"
              + " three engines sharing two cores answer, so that the figures are about the"
              + " faults).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "PT6M",
      description =
          "How long the load runs (default: 6 min; the instances scenario spreads its kills over"
              + " 8..63 % of it).")
  Duration duration;

  @Option(
      names = "--kills",
      defaultValue = "10",
      description = "SIGKILLs in the instances scenario (default: ${DEFAULT-VALUE}).")
  int kills;

  @Option(
      names = "--state-records",
      defaultValue = "300000",
      description =
          "Interactions written before the standby scenario's load (default: ${DEFAULT-VALUE}).")
  int stateRecords;

  @Option(
      names = "--generator",
      defaultValue = "pigeon",
      description = "The engines' generator (default: ${DEFAULT-VALUE}).")
  String generator;

  @Option(names = "--seed", defaultValue = "7", description = "The fault schedule's seed.")
  long seed;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "An engine setting over the scenario's own, repeatable (e.g. --set"
              + " num.standby.replicas=1; --set processing.guarantee=at_least_once shows the count"
              + " catching duplicates).")
  java.util.Map<String, String> engineSettings = new java.util.LinkedHashMap<>();

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Override
  public Integer call() throws Exception {
    ChaosSettings settings;
    try {
      settings =
          new ChaosSettings(
              scenario,
              out,
              generator,
              instances,
              brokers,
              partitions,
              users,
              rate,
              duration,
              kills,
              stateRecords,
              seed,
              engineSettings);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    List<ChaosResult> results =
        new ChaosScenarios(settings, data.load(), spec.commandLine().getOut()).run();
    return results.stream().allMatch(ChaosResult::exactlyOnce) ? 0 : 1;
  }
}
