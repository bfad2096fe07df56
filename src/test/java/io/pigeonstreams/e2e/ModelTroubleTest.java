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
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trouble under the model on a real broker: a request whose generation throws is answered REJECTED
 * at once; one whose generation runs out of memory, every time, is infrastructure — its batch is
 * replayed (the engine stays up, the requests beside it are answered), and after three failures it
 * is answered REJECTED with the reason instead of being replayed forever; a memory failure that
 * passes is simply survived.
 */
class ModelTroubleTest {

  /** The baseline, except for requests named "oom-*" (always) and "flaky-*" (once) and "bug-*". */
  static final class Troubled implements ImageGenerator {
    final ImageGenerator inner = new NearestHistoryGenerator();
    final AtomicInteger flaky = new AtomicInteger();

    @Override
    public String modelVersion() {
      return "troubled-1";
    }

    @Override
    public List<Candidate> generate(GenerationContext c) {
      if (c.requestId().startsWith("oom-")) {
        throw new OutOfMemoryError("Java heap space (test double)");
      }
      if (c.requestId().startsWith("flaky-") && flaky.getAndIncrement() == 0) {
        throw new IllegalStateException("CUDA error: an illegal memory access (test double)");
      }
      if (c.requestId().startsWith("bug-")) {
        throw new IllegalArgumentException("a bug in the model code (test double)");
      }
      return inner.generate(c);
    }
  }

  @Test
  void shouldReplayOnInfrastructureFailuresAndFinallyAnswerWithTheReason(@TempDir Path state)
      throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      EngineConfig config =
          EngineConfig.of(
              Map.of(
                  "bootstrap.servers",
                  kafka.bootstrapServers(),
                  "application.id",
                  "pigeon-model-trouble",
                  "state.dir",
                  state.toString(),
                  "pigeon.topics.partitions",
                  "1"));
      EngineComponents retrieval = EngineComponents.retrieval();
      EngineComponents troubled =
          new EngineComponents(
              retrieval.tokenizer(), retrieval.masker(), new Troubled(), retrieval.scorer());
      try (PigeonEngine engine = new PigeonEngine(config, troubled);
          TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
        engine.start();
        assertThat(engine.awaitReady(Duration.ofSeconds(60))).isTrue();
        Topics topics = engine.topics();
        TinyCatalog.load(engine, producer, 3);
        producer.send(
            topics.interactions, "u1", Records.interaction("u1", "google/0", Action.LIKE, 1));
        for (String id : List.of("ok-1", "oom-1", "ok-2", "bug-1", "flaky-1", "ok-3")) {
          producer.send(topics.requests, "u1", Records.request(id, "u1", "google/2").build());
        }
        producer.flush();

        List<GeneratedImage> answers =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.generated.name(),
                topics.generated.valueSerde().deserializer(),
                6,
                Duration.ofSeconds(120),
                Duration.ofSeconds(2));

        // exactly one answer each
        assertThat(answers)
            .extracting(GeneratedImage::getRequestId)
            .containsExactlyInAnyOrder("ok-1", "oom-1", "ok-2", "bug-1", "flaky-1", "ok-3");
        for (GeneratedImage g : answers) {
          switch (g.getRequestId()) {
            case "oom-1" -> {
              assertThat(g.getStatus()).isEqualTo(Status.REJECTED);
              assertThat(g.getReason()).contains("3 times").contains("OutOfMemoryError");
            }
            case "bug-1" -> {
              assertThat(g.getStatus()).isEqualTo(Status.REJECTED);
              assertThat(g.getReason()).contains("generation failed").contains("a bug");
            }
            default -> assertThat(g.getStatus()).as(g.getRequestId()).isEqualTo(Status.OK);
          }
        }
        assertThat(engine.isReady()).isTrue();
      }
    }
  }
}
