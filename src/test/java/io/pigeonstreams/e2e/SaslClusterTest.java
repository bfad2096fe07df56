package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a broker that requires SASL/PLAIN: the security settings in its configuration reach
 * every client it makes (Kafka Streams, the topic admin, the model-updates follower), so it creates
 * its topics and answers; with a wrong password it does not get in.
 */
class SaslClusterTest {

  private static EngineConfig config(Map<String, Object> client, Path state) {
    Map<String, String> c = new HashMap<>();
    client.forEach((k, v) -> c.put(k, v.toString()));
    c.put("application.id", "pigeon-sasl");
    c.put("state.dir", state.toString());
    c.put("pigeon.topics.partitions", "2");
    return EngineConfig.of(c);
  }

  @Test
  void shouldRunOnASaslClusterWithTheConfiguredCredentials(@TempDir Path state) throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.startSasl()) {
      Map<String, Object> client =
          kafka.saslClientConfig(
              EmbeddedKafkaCluster.SASL_USER, EmbeddedKafkaCluster.SASL_PASSWORD);
      EngineConfig config = config(client, state);
      assertThat(config.clientConfig()).containsEntry("security.protocol", "SASL_PLAINTEXT");
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.retrieval());
          TopicProducer producer = TopicProducer.connect(client, 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        Topics topics = engine.topics();
        TinyCatalog.load(engine, producer, 3);
        producer.send(
            topics.interactions, "u1", Records.interaction("u1", "google/0", Action.LIKE, 1));
        producer.send(topics.requests, "u1", Records.request("r1", "u1", "google/2").build());
        producer.flush();
        List<GeneratedImage> answers =
            CommittedReader.read(
                client,
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                1,
                Duration.ofSeconds(60),
                Duration.ofMillis(200));
        assertThat(answers).extracting(GeneratedImage::getRequestId).containsExactly("r1");
      }
      // a wrong password does not get in: the admin client's first call fails
      Map<String, Object> wrong =
          kafka.saslClientConfig(EmbeddedKafkaCluster.SASL_USER, "not-the-password");
      try (TopicAdmin admin = TopicAdmin.connect(wrong, Duration.ofSeconds(5))) {
        assertThatThrownBy(() -> admin.requireCopartitioned("generation-requests", "interactions"))
            .hasMessageContaining("uthentication");
      }
    }
  }
}
