package io.pigeonstreams.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topics as the cluster has them: partitions, replication, cleanup policy, min.insync.replicas. */
public final class TopicDescriptions {

  private TopicDescriptions() {}

  /**
   * What a topic is on the cluster.
   *
   * @param partitions 0 when it does not exist
   * @param cleanupPolicy delete or compact ({@code null} when it does not exist)
   */
  public record TopicInfo(
      String name, int partitions, int replicationFactor, String cleanupPolicy, String minInSync) {
    public boolean exists() {
      return partitions > 0;
    }
  }

  /** Each of {@code topics}, in order; a missing one has no partitions. */
  static List<TopicInfo> describe(Admin admin, Collection<String> topics, Duration timeout) {
    List<String> names = topics.stream().distinct().toList();
    var futures = admin.describeTopics(names).topicNameValues();
    List<TopicInfo> out = new ArrayList<>();
    for (String name : names) {
      try {
        TopicDescription d = futures.get(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config =
            admin
                .describeConfigs(List.of(resource))
                .values()
                .get(resource)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        out.add(
            new TopicInfo(
                name,
                d.partitions().size(),
                d.partitions().get(0).replicas().size(),
                value(config, "cleanup.policy"),
                value(config, "min.insync.replicas")));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          out.add(new TopicInfo(name, 0, 0, null, null));
        } else {
          throw new IllegalStateException("describing topic " + name + ": " + e.getCause(), e);
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("describing topic " + name + " timed out", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted describing topic " + name, e);
      }
    }
    return out;
  }

  private static String value(Config config, String key) {
    return config.get(key) == null ? "?" : config.get(key).value();
  }
}
