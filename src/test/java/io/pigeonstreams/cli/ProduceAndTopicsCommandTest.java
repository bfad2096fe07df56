package io.pigeonstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.TopicPlan;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.kafka.TopicAdmin;
import io.pigeonstreams.topology.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce} and {@code topics describe} against a real broker. */
class ProduceAndTopicsCommandTest {

  record Run(int exit, String out) {}

  private static Run run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int exit = PigeonCli.newCommandLine().execute(args);
      return new Run(exit, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void shouldProduceCheckedRecordsAndDescribeTheTopics(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      Path config = dir.resolve("engine.properties");
      Files.writeString(
          config,
          "bootstrap.servers=" + kafka.bootstrapServers() + "\npigeon.topics.partitions=2\n");
      EngineConfig c = EngineConfig.load(config, Map.of());
      Topics topics = new Topics(c.asMap());

      // topics describe: before the engine made them, every one is missing (exit 1)
      Run missing = run("topics", "describe", "--config", config.toString());
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.out()).contains("generation-requests").contains("MISSING");
      try (TopicAdmin admin = TopicAdmin.connect(c.clientConfig())) {
        admin.ensureTopics(TopicPlan.of(c, topics));
      }
      Run described = run("topics", "describe", "--config", config.toString());
      assertThat(described.exit()).as(described.out()).isZero();
      assertThat(described.out())
          .contains("co-partitioned: generation-requests and interactions both have 2 partitions")
          .containsPattern("experiments\\s+2\\s+1\\s+compact");

      // produce items: a PNG file becomes a catalog item; a non-PNG is refused with the reason
      Path png = dir.resolve("grinning.png");
      Files.write(png, StickerImage.toPng(TestData.dataset().image(0, 0)));
      Path notPng = dir.resolve("broken.png");
      Files.writeString(notPng, "not a picture");
      Run items =
          run(
              "produce",
              "items",
              "--config",
              config.toString(),
              "--style",
              "mine",
              png.toString(),
              notPng.toString());
      assertThat(items.exit()).isEqualTo(1);
      assertThat(items.out())
          .contains("written: item mine/grinning")
          .contains("refused: item mine/broken");

      // produce request and reaction, from arguments and from a file
      assertThat(
              run(
                      "produce",
                      "request",
                      "--config",
                      config.toString(),
                      "--user",
                      "u1",
                      "--reference",
                      "mine/grinning",
                      "--alpha-h",
                      "0.3")
                  .exit())
          .isZero();
      Path requests = dir.resolve("requests.jsonl");
      Files.writeString(
          requests,
          "{\"userId\":\"u2\",\"referenceItemId\":\"mine/grinning\",\"options\":2}\n"
              + "{\"userId\":\"u3\",\"referenceItemId\":\"mine/grinning\",\"alphaR\":7}\n");
      Run fromFile =
          run("produce", "request", "--config", config.toString(), "--file", requests.toString());
      assertThat(fromFile.exit()).isEqualTo(1);
      assertThat(fromFile.out())
          .contains("1 written, 1 refused")
          .contains("alphaR must be in [0, 1]");
      Run badReaction =
          run(
              "produce",
              "reaction",
              "--config",
              config.toString(),
              "--user",
              "u1",
              "--image",
              "i1",
              "--action",
              "LOVE");
      assertThat(badReaction.exit()).isEqualTo(1);
      assertThat(
              run(
                      "produce",
                      "reaction",
                      "--config",
                      config.toString(),
                      "--user",
                      "u1",
                      "--image",
                      "i1")
                  .exit())
          .isZero();

      // and the records are on the topics, as the engine reads them
      List<Item> seenItems =
          CommittedReader.read(
              kafka.bootstrapServers(),
              topics.items.name(),
              topics.items.valueSerde().deserializer(),
              1,
              Duration.ofSeconds(20),
              Duration.ofMillis(200));
      assertThat(seenItems).extracting(Item::getItemId).containsExactly("mine/grinning");
      List<GenerationRequest> seenRequests =
          CommittedReader.read(
              kafka.bootstrapServers(),
              topics.requests.name(),
              topics.requests.valueSerde().deserializer(),
              2,
              Duration.ofSeconds(20),
              Duration.ofMillis(200));
      assertThat(seenRequests)
          .extracting(GenerationRequest::getUserId)
          .containsExactlyInAnyOrder("u1", "u2");
      assertThat(seenRequests).anySatisfy(r -> assertThat(r.getOptions()).isEqualTo(2));
      List<Interaction> seenReactions =
          CommittedReader.read(
              kafka.bootstrapServers(),
              topics.interactions.name(),
              topics.interactions.valueSerde().deserializer(),
              1,
              Duration.ofSeconds(20),
              Duration.ofMillis(200));
      assertThat(seenReactions).extracting(Interaction::getGeneratedImageId).containsExactly("i1");
    }
  }
}
