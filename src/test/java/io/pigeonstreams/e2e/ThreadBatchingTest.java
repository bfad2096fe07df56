package io.pigeonstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.retrieval.PaletteOutlierMasker;
import io.pigeonstreams.generate.retrieval.PaletteStructureScorer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst spread over the partitions of one stream thread is one micro-batch for the model, not one
 * per partition, and every request is still answered once, by its own partition's task.
 */
@Tag("integration")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ThreadBatchingTest {

  /** The retrieval generator, recording the request ids of each call. */
  static final class RecordingGenerator implements ImageGenerator {
    private final ImageGenerator inner = new NearestHistoryGenerator();
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String modelVersion() {
      return inner.modelVersion();
    }

    @Override
    public List<Candidate> generate(GenerationContext context) {
      return inner.generate(context);
    }

    @Override
    public List<List<Candidate>> generateAll(List<GenerationContext> contexts) {
      batches.add(contexts.stream().map(GenerationContext::requestId).toList());
      return inner.generateAll(contexts);
    }
  }

  @Test
  void shouldAnswerABurstOverThreePartitionsInOneBatchEachRequestOnce(@TempDir Path state)
      throws Exception {
    RecordingGenerator generator = new RecordingGenerator();
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers", kafka.bootstrapServers(),
                  "application.id", "pigeon-thread-batching",
                  "state.dir", state.toString(),
                  "pigeon.topics.partitions", "3",
                  "num.stream.threads", "1",
                  "pigeon.batch.max.requests", "16",
                  // long enough for the whole burst to be pending when the first task is due
                  "pigeon.batch.max.delay.ms", "1500"));
      try (PigeonEngine engine =
              new PigeonEngine(
                  config,
                  new EngineComponents(
                      new PaletteTokenizer(),
                      new PaletteOutlierMasker(),
                      generator,
                      new PaletteStructureScorer()));
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        Topics topics = engine.topics();
        TinyCatalog.load(engine, producer, 4);

        // Given nine users whose requests land on all three partitions
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 9; u++) {
          users.add("burst-user-" + u);
          producer.send(
              topics.interactions,
              users.get(u),
              Records.interaction(users.get(u), "google/" + (u % 3), Action.LIKE, 1));
        }
        producer.flush();
        // When each asks for one sticker at once
        for (String user : users) {
          producer.send(
              topics.requests, user, Records.request("r-" + user, user, "google/3").build());
        }
        producer.flush();
        assertThat(partitionsOf(kafka, topics.requests.name())).hasSize(3);

        // Then every request has exactly one committed answer
        List<GeneratedImage> answers =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                users.size(),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2));
        assertThat(answers)
            .extracting(GeneratedImage::getRequestId)
            .containsExactlyInAnyOrderElementsOf(users.stream().map(u -> "r-" + u).toList());
        assertThat(answers).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(Status.OK));
        // And the model saw them in one call, not one per partition
        assertThat(generator.batches).as("the model's calls").hasSize(1);
        assertThat(generator.batches.get(0)).hasSize(users.size());
      }
    }
  }

  /** The partitions of {@code topic} holding records. */
  private static Set<Integer> partitionsOf(EmbeddedKafkaCluster kafka, String topic) {
    Map<String, Object> c =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "partitions-of-" + topic,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    Set<Integer> out = new HashSet<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (out.size() < 3 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.partition());
        }
      }
    }
    return out;
  }
}
