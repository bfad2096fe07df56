package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentStatus;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.ExperimentMapping;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the provisioned Grafana dashboard ({@code docker/grafana/dashboards}) queries exists
 * in the engine's {@code /metrics} once it has worked a little: answered requests, an experiment, a
 * dead letter.
 */
class DashboardMetricsTest {

  static final Path DASHBOARD = Path.of("docker/grafana/dashboards/pigeon-streams.json");

  /** The metric names in the dashboard's queries. */
  static Set<String> queried() throws Exception {
    JsonNode dash = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    Pattern metric = Pattern.compile("\\b((?:pigeon|kafka)_[a-zA-Z0-9_]+)");
    for (JsonNode panel : dash.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        Matcher m = metric.matcher(target.get("expr").asText());
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  @Test
  void shouldExposeEveryMetricTheDashboardQueries(@TempDir Path state) throws Exception {
    Set<String> queried = queried();
    assertThat(queried)
        .contains("pigeon_outputs_total", "pigeon_experiment_srm")
        .hasSizeGreaterThan(8);
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "application.id",
                  "pigeon-dashboard",
                  "state.dir",
                  state.toString(),
                  "pigeon.topics.partitions",
                  "2"));
      try (PigeonEngine engine = new PigeonEngine(config, EngineComponents.retrieval());
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        Topics topics = engine.topics();
        StickerDataset ds = TestData.dataset();
        for (int e = 0; e < 3; e++) {
          producer.send(
              topics.items,
              "google/" + e,
              Records.item("google/" + e, ds.image(e, 0), "e", "", "google"));
        }
        producer.send(
            topics.experiments,
            "dash",
            Experiment.newBuilder()
                .setId("dash")
                .setStatus(ExperimentStatus.RUNNING)
                .setVariants(
                    List.of(ExperimentMapping.variant("a:0.5"), ExperimentMapping.variant("b:0.5")))
                .setHashSeed("")
                .setStartAt(Instant.now().minusSeconds(1))
                .build());
        producer.flush();
        Await.until(
            () ->
                engine.catalogStore().get("google/2") != null
                    && engine.experimentsStore().get("dash") != null,
            "catalog and experiment",
            Duration.ofSeconds(60));
        for (int u = 0; u < 6; u++) {
          producer.send(
              topics.interactions,
              "u" + u,
              Records.interaction("u" + u, "google/0", Action.LIKE, 1));
          producer.send(
              topics.requests, "u" + u, Records.request("r" + u, "u" + u, "google/2").build());
        }
        producer.send(new ProducerRecord<>(topics.interactions.name(), "u0", new byte[] {1, 2, 3}));
        producer.flush();
        CommittedReader.read(
            kafka.bootstrapServers(),
            topics.generated.name(),
            topics.generated.valueSerde().deserializer(),
            6,
            Duration.ofSeconds(60),
            Duration.ofMillis(200));
        Await.until(
            () ->
                engine.scrape().contains("pigeon_dead_letters_total")
                    && engine.scrape().contains("pigeon_experiment_srm{"),
            "the dead letter and the experiment's check",
            Duration.ofSeconds(60));
        String scraped = engine.scrape();
        assertThat(queried)
            .allSatisfy(
                name ->
                    assertThat(scraped)
                        .as("metric %s queried by the dashboard", name)
                        .containsPattern("(?m)^" + name + "[{ ]"));
      }
    }
  }
}
