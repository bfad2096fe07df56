package io.pigeonstreams.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and checks the engine's topics before the streams application starts, so that a missing
 * topic or a partition-count mismatch between joined topics is reported as one clear sentence at
 * start-up instead of a Kafka Streams {@code TopologyException} or, worse, a join that silently
 * misses records.
 *
 * <p>Every call waits at most the configured timeout (30 s by default) and reports failures as
 * {@link IllegalStateException} with a message meant for the person running the engine.
 */
public final class TopicAdmin implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  /** How long one admin call may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final String DEFAULT_COPARTITION_REASON =
      "they are joined by key, and a join only sees records whose keys landed in the same"
          + " partition number of both topics";

  /**
   * A topic to create.
   *
   * @param replicationFactor replicas per partition, or {@code -1} for the broker's {@code
   *     default.replication.factor}
   * @param configs topic-level settings such as {@code cleanup.policy}; may be empty
   */
  public record TopicSpec(
      String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("topic name must not be blank");
      }
      if (partitions < 1) {
        throw new IllegalArgumentException(
            "topic " + name + " needs at least 1 partition, not " + partitions);
      }
      if (replicationFactor < 1 && replicationFactor != -1) {
        throw new IllegalArgumentException(
            "topic "
                + name
                + " needs a replication factor of at least 1 (or -1 for the broker default), not "
                + replicationFactor);
      }
      configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    /** A topic with no special settings. */
    public static TopicSpec of(String name, int partitions, int replicationFactor) {
      return new TopicSpec(name, partitions, (short) replicationFactor, Map.of());
    }

    NewTopic toNewTopic() {
      Optional<Short> replicas =
          replicationFactor == -1 ? Optional.empty() : Optional.of(replicationFactor);
      return new NewTopic(name, Optional.of(partitions), replicas).configs(configs);
    }
  }

  private final Admin admin;
  private final boolean ownsAdmin;
  private final Duration timeout;
  private final String where;

  /** Uses {@code admin} without taking ownership: {@link #close()} leaves it open. */
  public TopicAdmin(Admin admin) {
    this(admin, DEFAULT_TIMEOUT);
  }

  /** Uses {@code admin}, waiting at most {@code timeout} per call; does not close it. */
  public TopicAdmin(Admin admin, Duration timeout) {
    this(admin, false, timeout, "the Kafka cluster");
  }

  private TopicAdmin(Admin admin, boolean ownsAdmin, Duration timeout, String where) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.ownsAdmin = ownsAdmin;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    this.where = where;
  }

  /** Connects a new admin client to {@code bootstrapServers}; {@link #close()} closes it. */
  public static TopicAdmin connect(String bootstrapServers) {
    return connect(bootstrapServers, DEFAULT_TIMEOUT);
  }

  /** Connects a new admin client, waiting at most {@code timeout} per call. */
  public static TopicAdmin connect(String bootstrapServers, Duration timeout) {
    return connect(ClientConfig.of(bootstrapServers), timeout);
  }

  /** Connects a new admin client with {@code client} settings ({@link ClientConfig}). */
  public static TopicAdmin connect(Map<String, Object> client) {
    return connect(client, DEFAULT_TIMEOUT);
  }

  /** Connects a new admin client with {@code client} settings, waiting at most {@code timeout}. */
  public static TopicAdmin connect(Map<String, Object> client, Duration timeout) {
    String bootstrapServers =
        String.valueOf(client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    Map<String, Object> config = new LinkedHashMap<>(client);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "pigeon-topic-admin");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    return new TopicAdmin(Admin.create(config), true, timeout, "Kafka at " + bootstrapServers);
  }

  /**
   * Creates the topics that do not exist yet and waits until every partition of every listed topic
   * has a leader. Topics that already exist are left as they are, even if their partition count
   * differs from the spec (that is logged; {@link #requireCopartitioned} is the check that fails).
   *
   * @throws IllegalStateException if a topic cannot be created or does not become ready in time
   */
  public void ensureTopics(Collection<TopicSpec> topics) {
    Map<String, TopicSpec> byName = new LinkedHashMap<>();
    for (TopicSpec spec : topics) {
      TopicSpec previous = byName.putIfAbsent(spec.name(), spec);
      if (previous != null && !previous.equals(spec)) {
        throw new IllegalArgumentException(
            "topic " + spec.name() + " is listed twice, differently: " + previous + " and " + spec);
      }
    }
    if (byName.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    CreateTopicsResult result =
        admin.createTopics(byName.values().stream().map(TopicSpec::toNewTopic).toList());
    List<String> created = new ArrayList<>();
    List<String> existing = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
      String name = e.getKey();
      try {
        await(e.getValue(), deadline, "creating topic " + name);
        created.add(name);
      } catch (AdminFailure f) {
        if (f.getCause() instanceof TopicExistsException) {
          existing.add(name);
        } else {
          failures.add(f.getMessage());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(String.join("; ", failures));
    }
    if (!created.isEmpty()) {
      LOG.info("created topics {} on {}", created, where);
    }
    Map<String, Integer> counts = awaitLeaders(byName.keySet(), deadline);
    for (String name : existing) {
      int wanted = byName.get(name).partitions();
      int actual = counts.get(name);
      if (actual != wanted) {
        LOG.warn(
            "topic {} already exists with {} partitions, not {} as configured; leaving it as it is",
            name,
            actual,
            wanted);
      }
    }
  }

  /**
   * The partition count of each topic, in the order given.
   *
   * @throws IllegalStateException naming every topic that does not exist
   */
  public Map<String, Integer> partitionCounts(Collection<String> topics) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> names = topics.stream().distinct().toList();
    Map<String, KafkaFuture<TopicDescription>> futures =
        admin.describeTopics(names).topicNameValues();
    Map<String, Integer> counts = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      try {
        counts.put(
            name,
            await(futures.get(name), deadline, "describing topic " + name).partitions().size());
      } catch (AdminFailure f) {
        if (f.getCause() instanceof UnknownTopicOrPartitionException) {
          missing.add(name);
        } else {
          throw new IllegalStateException(f.getMessage(), f.getCause());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missingMessage(missing));
    }
    return counts;
  }

  /** Partitions, replication and the settings that matter here, of each of {@code topics}. */
  public List<TopicDescriptions.TopicInfo> describe(Collection<String> topics) {
    return TopicDescriptions.describe(admin, topics, timeout);
  }

  /**
   * Fails unless all {@code topics} exist and have the same number of partitions, which Kafka
   * Streams needs to join them by key (co-partitioning).
   *
   * @throws IllegalStateException with the partition counts and how to fix them
   */
  public void requireCopartitioned(String... topics) {
    requireCopartitioned(DEFAULT_COPARTITION_REASON, Arrays.asList(topics));
  }

  /**
   * Like {@link #requireCopartitioned(String...)}, with the reason they must match in the message,
   * e.g. "requests are joined with per-user history, keyed by user id".
   */
  public void requireCopartitioned(String reason, Collection<String> topics) {
    Map<String, Integer> counts = partitionCounts(topics);
    if (counts.values().stream().distinct().count() <= 1) {
      return;
    }
    throw new IllegalStateException(copartitionMessage(counts, reason));
  }

  static String copartitionMessage(Map<String, Integer> counts, String reason) {
    List<String> described =
        counts.entrySet().stream()
            .map(e -> e.getKey() + " (" + e.getValue() + " partitions)")
            .toList();
    int most = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    String fixes =
        counts.entrySet().stream()
            .filter(e -> e.getValue() < most)
            .map(e -> "kafka-topics --alter --topic " + e.getKey() + " --partitions " + most)
            .collect(Collectors.joining("; "));
    return "topics "
        + joinWithAnd(described)
        + " must have the same number of partitions: "
        + reason
        + "; recreate one of them or add partitions ("
        + fixes
        + ")";
  }

  private static String missingMessage(List<String> missing) {
    if (missing.size() == 1) {
      return "topic " + missing.get(0) + " does not exist; create it or set topics.create=true";
    }
    return "topics "
        + joinWithAnd(missing)
        + " do not exist; create them or set topics.create=true";
  }

  private static String joinWithAnd(List<String> items) {
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }

  /** Polls until each topic is known to the brokers and every partition has a leader. */
  private Map<String, Integer> awaitLeaders(Collection<String> names, long deadline) {
    String notReady = String.join(", ", names);
    while (true) {
      Map<String, KafkaFuture<TopicDescription>> futures =
          admin.describeTopics(names).topicNameValues();
      Map<String, Integer> counts = new LinkedHashMap<>();
      TreeSet<String> waiting = new TreeSet<>();
      for (String name : names) {
        try {
          TopicDescription d = await(futures.get(name), deadline, "describing topic " + name);
          boolean led =
              d.partitions().stream()
                  .map(TopicPartitionInfo::leader)
                  .allMatch(l -> l != null && !l.isEmpty());
          if (led) {
            counts.put(name, d.partitions().size());
          } else {
            waiting.add(name);
          }
        } catch (AdminFailure f) {
          if (f.getCause() instanceof UnknownTopicOrPartitionException) {
            waiting.add(name); // created, but the metadata has not reached the broker yet
          } else {
            throw new IllegalStateException(f.getMessage(), f.getCause());
          }
        }
      }
      if (waiting.isEmpty()) {
        return counts;
      }
      notReady = String.join(", ", waiting);
      if (System.nanoTime() >= deadline) {
        throw new IllegalStateException(
            "topics "
                + notReady
                + " were not ready (every partition with a leader) within "
                + seconds(timeout)
                + " on "
                + where);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topics " + notReady, e);
      }
    }
  }

  /** Waits for an admin future until the deadline, turning failures into a readable message. */
  private <T> T await(KafkaFuture<T> future, long deadline, String doing) throws AdminFailure {
    long remaining = Math.max(0, deadline - System.nanoTime());
    try {
      return future.get(remaining, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new AdminFailure(timedOut(doing), cause);
      }
      throw new AdminFailure(
          doing
              + " on "
              + where
              + " failed: "
              + cause.getClass().getSimpleName()
              + ": "
              + cause.getMessage(),
          cause);
    } catch (TimeoutException e) {
      throw new AdminFailure(timedOut(doing), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + doing, e);
    }
  }

  private String timedOut(String doing) {
    return "timed out after "
        + seconds(timeout)
        + " "
        + doing
        + " on "
        + where
        + "; is the broker running and reachable?";
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** Closes the admin client if this object created it. */
  @Override
  public void close() {
    if (ownsAdmin) {
      admin.close(timeout);
    }
  }

  /** A failed admin call, with its message already written for people; internal only. */
  private static final class AdminFailure extends Exception {
    AdminFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
