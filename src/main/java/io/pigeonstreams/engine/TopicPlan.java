package io.pigeonstreams.engine;

import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/** Every topic the engine needs: partitions, replication, compaction, dead-letter topics. */
public final class TopicPlan {

  private TopicPlan() {}

  /** Every topic the engine needs, with its dead-letter topics. */
  public static List<TopicAdmin.TopicSpec> of(EngineConfig config, Topics topics) {
    int partitions = config.getInt("pigeon.topics.partitions");
    short replication = (short) config.getInt("pigeon.topics.replication");
    List<TopicAdmin.TopicSpec> specs = new ArrayList<>();
    Map<String, String> compacted =
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    for (Topic<String, ?> t : topics.all()) {
      boolean table =
          t == topics.items
              || t == topics.catalog
              || t == topics.modelUpdates
              || t == topics.experiments
              || t == topics.experimentResults;
      // model-updates: one partition, so that every instance reads the announcements in order
      specs.add(
          new TopicAdmin.TopicSpec(
              t.name(),
              t == topics.modelUpdates ? 1 : partitions,
              replication,
              table ? compacted : Map.of()));
    }
    for (Topic<String, ?> t : topics.inputs()) {
      specs.add(new TopicAdmin.TopicSpec(t.deadLetterTopic(), partitions, replication, Map.of()));
    }
    return specs;
  }
}
