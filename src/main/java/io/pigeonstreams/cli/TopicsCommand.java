package io.pigeonstreams.cli;

import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.TopicPlan;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.kafka.TopicDescriptions;
import io.pigeonstreams.topology.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code topics describe}: the engine's topics as the cluster has them, against its plan. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "The engine's topics on a cluster.",
    subcommands = {TopicsCommand.Describe.class})
final class TopicsCommand {

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = {
        "Every topic the engine needs, as the cluster has it: partitions, replication,"
            + " cleanup policy and min.insync.replicas, against what the engine would create;"
            + " then whether generation-requests and interactions are co-partitioned (the engine"
            + " joins them by user). Exit 1 when a topic is missing or they are not co-partitioned."
      })
  static final class Describe implements Callable<Integer> {

    @Option(names = "--config", description = "Properties file (same keys as the engine's).")
    Path config;

    @Override
    public Integer call() throws Exception {
      EngineConfig c = EngineConfig.load(config, System.getenv());
      Topics topics = new Topics(c.asMap());
      List<TopicAdmin.TopicSpec> plan = TopicPlan.of(c, topics);
      List<String> problems = new ArrayList<>();
      try (TopicAdmin admin = TopicAdmin.connect(c.clientConfig())) {
        List<TopicDescriptions.TopicInfo> found =
            admin.describe(plan.stream().map(TopicAdmin.TopicSpec::name).toList());
        System.out.printf(
            "%-34s %10s %8s %10s %8s   %s%n",
            "topic", "partitions", "replicas", "cleanup", "min.isr", "engine's plan");
        for (int i = 0; i < plan.size(); i++) {
          TopicAdmin.TopicSpec want = plan.get(i);
          TopicDescriptions.TopicInfo got = found.get(i);
          String wanted =
              String.format(
                  Locale.ROOT,
                  "%d partitions, %s, %s",
                  want.partitions(),
                  want.replicationFactor() < 0
                      ? "default replication"
                      : want.replicationFactor() + " replicas",
                  want.configs().getOrDefault("cleanup.policy", "delete"));
          if (!got.exists()) {
            System.out.printf(
                "%-34s %10s %8s %10s %8s   %s%n", got.name(), "MISSING", "", "", "", wanted);
            problems.add(
                got.name()
                    + " is missing (the engine creates it unless pigeon.topics.create=false)");
            continue;
          }
          System.out.printf(
              Locale.ROOT,
              "%-34s %10d %8d %10s %8s   %s%n",
              got.name(),
              got.partitions(),
              got.replicationFactor(),
              got.cleanupPolicy(),
              got.minInSync(),
              wanted);
        }
        int requests = partitions(found, topics.requests.name());
        int interactions = partitions(found, topics.interactions.name());
        if (requests > 0 && interactions > 0) {
          if (requests == interactions) {
            System.out.printf(
                "%nco-partitioned: %s and %s both have %d partitions%n",
                topics.requests.name(), topics.interactions.name(), requests);
          } else {
            problems.add(
                String.format(
                    "%s has %d partitions but %s has %d: requests are joined with each user's"
                        + " history by user id, so they must match",
                    topics.requests.name(), requests, topics.interactions.name(), interactions));
          }
        }
      }
      problems.forEach(p -> System.out.println("problem: " + p));
      return problems.isEmpty() ? 0 : 1;
    }

    private static int partitions(List<TopicDescriptions.TopicInfo> found, String name) {
      return found.stream()
          .filter(t -> t.name().equals(name))
          .mapToInt(TopicDescriptions.TopicInfo::partitions)
          .findFirst()
          .orElse(0);
    }
  }
}
