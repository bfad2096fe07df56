package io.pigeonstreams.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster in this JVM, in KRaft mode, for the embedded demo and the integration tests:
 * no Docker and no separate install, yet the same broker code (transactions, consumer groups, the
 * log) as production, which a mock such as {@code TopologyTestDriver} does not have.
 *
 * <p>Node 0 is a combined broker and controller; further brokers are plain brokers. The defaults
 * let exactly-once work on a single broker (the internal transaction and offsets topics would
 * otherwise ask for three replicas) and turn topic auto-creation off, so that a typo in a topic
 * name fails instead of silently creating a topic with the wrong partition count.
 *
 * <p>Everything lives in one temporary directory, which {@link #close()} deletes.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

  private final KafkaClusterTestKit cluster;
  private final Path baseDirectory;
  private final int brokers;
  private final Duration startupTime;
  private boolean closed;

  private EmbeddedKafkaCluster(
      KafkaClusterTestKit cluster, Path baseDirectory, int brokers, Duration startupTime) {
    this.cluster = cluster;
    this.baseDirectory = baseDirectory;
    this.brokers = brokers;
    this.startupTime = startupTime;
  }

  /**
   * Starts one combined broker and controller with the {@linkplain #defaultBrokerProps(int) default
   * settings}.
   */
  public static EmbeddedKafkaCluster start() {
    return start(1, Map.of());
  }

  /**
   * Starts {@code brokers} brokers, the first one also the (only) controller, and waits until all
   * of them have registered with the controller.
   *
   * @param brokerProps broker settings applied to every node, on top of {@link
   *     #defaultBrokerProps(int)}
   * @throws IllegalStateException if the cluster does not come up
   */
  public static EmbeddedKafkaCluster start(int brokers, Map<String, String> brokerProps) {
    return start(brokers, brokerProps, false);
  }

  /**
   * One broker whose client listener requires SASL/PLAIN ({@link #SASL_USER} with {@link
   * #SASL_PASSWORD}; other credentials are refused): for tests of the security pass-through. The
   * test kit points the JVM's JAAS configuration at its own file.
   */
  public static EmbeddedKafkaCluster startSasl() {
    // the test kit turns on an authorizer with SASL; the controller's own (plaintext) listener
    // and the admin user act for the cluster, everyone else is authenticated but not authorized
    return start(1, Map.of("super.users", "User:ANONYMOUS;User:" + SASL_USER), true);
  }

  /** The SASL/PLAIN user {@link #startSasl()} accepts (the test kit's admin). */
  public static final String SASL_USER = "plain-admin";

  public static final String SASL_PASSWORD = "plain-admin-secret";

  /** The client settings for {@link #startSasl()}'s listener. */
  public Map<String, Object> saslClientConfig(String user, String password) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", bootstrapServers());
    c.put("security.protocol", "SASL_PLAINTEXT");
    c.put("sasl.mechanism", "PLAIN");
    c.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    return c;
  }

  private static EmbeddedKafkaCluster start(
      int brokers, Map<String, String> brokerProps, boolean sasl) {
    if (brokers < 1) {
      throw new IllegalArgumentException("brokers must be at least 1, was " + brokers);
    }
    long t0 = System.nanoTime();
    Path baseDirectory;
    try {
      baseDirectory = Files.createTempDirectory("pigeon-kafka-");
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create a temporary directory for the embedded Kafka broker: " + e, e);
    }
    Map<String, String> props = new LinkedHashMap<>(defaultBrokerProps(brokers));
    props.putAll(brokerProps);
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumControllerNodes(1)
              .setNumBrokerNodes(brokers)
              .setBaseDirectory(baseDirectory)
              .setBrokerSecurityProtocol(
                  sasl
                      ? org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT
                      : org.apache.kafka.common.security.auth.SecurityProtocol.PLAINTEXT)
              .build();
      KafkaClusterTestKit.Builder builder =
          new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
      props.forEach(builder::setConfigProp);
      cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(cluster, baseDirectory);
      throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
    } catch (Exception e) {
      closeQuietly(cluster, baseDirectory);
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(
          "cannot start the embedded Kafka broker (" + brokers + " node(s)): " + cause, cause);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    EmbeddedKafkaCluster started = new EmbeddedKafkaCluster(cluster, baseDirectory, brokers, took);
    LOG.info(
        "embedded Kafka ({} broker(s), KRaft) started in {} ms at {}, data in {}",
        brokers,
        took.toMillis(),
        started.bootstrapServers(),
        baseDirectory);
    return started;
  }

  /**
   * The settings {@link #start(int, Map)} uses unless overridden: internal topics replicated as
   * much as the cluster allows (so one broker is enough for transactions and consumer groups), no
   * initial rebalance delay (a demo or test should not wait three seconds for its first assignment)
   * and no topic auto-creation.
   */
  public static Map<String, String> defaultBrokerProps(int brokers) {
    String replicas = Integer.toString(Math.min(brokers, 3));
    String minIsr = Integer.toString(Math.max(1, Math.min(brokers, 3) - 1));
    Map<String, String> props = new LinkedHashMap<>();
    props.put("transaction.state.log.replication.factor", replicas);
    props.put("transaction.state.log.min.isr", minIsr);
    props.put("offsets.topic.replication.factor", replicas);
    props.put("share.coordinator.state.topic.replication.factor", replicas);
    props.put("share.coordinator.state.topic.min.isr", minIsr);
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    return Map.copyOf(props);
  }

  /** The brokers' {@code host:port} list, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** How many brokers this cluster has. */
  public int brokers() {
    return brokers;
  }

  /**
   * Stops broker {@code id} as a crash would look to its clients: its connections drop, its
   * partitions' leadership moves to the other replicas. Node 0 is also the controller and is not
   * stopped here. {@link #startBroker(int)} brings it back on the same log directories and port.
   */
  public void stopBroker(int id) {
    if (id == 0) {
      throw new IllegalArgumentException("node 0 is the controller too; stop another broker");
    }
    broker(id).shutdown();
    broker(id).awaitShutdown();
    LOG.info("embedded Kafka: broker {} stopped", id);
  }

  /** Starts broker {@code id} again after {@link #stopBroker(int)}. */
  public void startBroker(int id) {
    broker(id).startup();
    LOG.info("embedded Kafka: broker {} started again", id);
  }

  private kafka.server.BrokerServer broker(int id) {
    kafka.server.BrokerServer b = cluster.brokers().get(id);
    if (b == null) {
      throw new IllegalArgumentException(
          "no broker " + id + "; brokers are " + cluster.brokers().keySet());
    }
    return b;
  }

  /** How long {@link #start(int, Map)} took, from creating the directory to ready brokers. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The temporary directory holding every node's logs and metadata; gone after close. */
  public Path baseDirectory() {
    return baseDirectory;
  }

  /** Stops every node and deletes the temporary directory; calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long t0 = System.nanoTime();
    closeQuietly(cluster, baseDirectory);
    LOG.info("embedded Kafka stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster, Path baseDirectory) {
    if (cluster != null) {
      try {
        cluster.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted while stopping the embedded Kafka broker");
      } catch (Exception e) {
        LOG.warn("error while stopping the embedded Kafka broker: {}", e.toString());
      }
    }
    // the test kit deletes it too, but not if it failed half-way through start or close
    try {
      Utils.delete(baseDirectory.toFile());
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", baseDirectory, e.toString());
    }
  }
}
