package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.HistoryItem;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.Status;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each step of the topology on TopologyTestDriver, with the real components and real emoji. */
class PigeonTopologyTest {

  private TopologyTestDriver driver;
  private Topics topics;
  private TestInputTopic<String, Item> items;
  private TestInputTopic<String, Interaction> interactions;
  private TestInputTopic<String, GenerationRequest> requests;
  private TestOutputTopic<String, CatalogEntry> catalog;
  private TestOutputTopic<String, GeneratedImage> generated;
  private TestOutputTopic<String, PreferencePair> pairs;

  @BeforeEach
  void startDriver() {
    topics = Fixtures.topics();
    driver = new TopologyTestDriver(Fixtures.topology(topics), Fixtures.streamsProperties());
    items = input(topics.items);
    interactions = input(topics.interactions);
    requests = input(topics.requests);
    catalog = output(topics.catalog);
    generated = output(topics.generated);
    pairs = output(topics.pairs);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private <V> TestInputTopic<String, V> input(Topic<String, V> t) {
    return Fixtures.input(driver, t);
  }

  private <V> TestOutputTopic<String, V> output(Topic<String, V> t) {
    return Fixtures.output(driver, t);
  }

  /** Given emoji 0..6 in the google style and emoji 7 in openmoji in the catalog. */
  private void givenACatalog() {
    for (int e = 0; e < 7; e++) {
      items.pipeInput(Fixtures.itemId(e, 0), Fixtures.item(e, 0));
    }
    items.pipeInput(Fixtures.itemId(7, 2), Fixtures.item(7, 2));
  }

  private void givenLikes(String user, int count) {
    for (int e = 0; e < count; e++) {
      interactions.pipeInput(
          user, Fixtures.interaction(user, Fixtures.itemId(e, 0), Action.LIKE, 10 + e));
    }
  }

  @Test
  void shouldTokenizeEachItemOnceWhenItArrives() {
    givenACatalog();
    List<CatalogEntry> entries = catalog.readValuesToList();
    assertThat(entries).hasSize(8);
    assertThat(entries.get(0).getTokens()).hasSize(64);
    assertThat(entries.get(0).getRaster().remaining()).isEqualTo(3 * 32 * 32);
    assertThat(entries.get(0).getTokenizer()).isEqualTo("palette-8x8x64-v1");
  }

  @Test
  void shouldKeepABoundedMostRecentFirstHistoryPerUser() {
    givenLikes("u1", 7);
    HistoryStore store = Fixtures.historyStore(driver);
    List<String> ids = store.get("u1").getPositives().stream().map(HistoryItem::getItemId).toList();
    assertThat(ids)
        .containsExactly(
            Fixtures.itemId(6, 0),
            Fixtures.itemId(5, 0),
            Fixtures.itemId(4, 0),
            Fixtures.itemId(3, 0),
            Fixtures.itemId(2, 0));
    assertThat(store.get("u2")).isNull();
  }

  @Test
  void shouldJoinTheHistoryMaskItAndPublishOneAnswerPerRequest() {
    givenACatalog();
    givenLikes("u1", 5);
    for (int r = 0; r < 3; r++) {
      requests.pipeInput(
          "u1", Fixtures.request("r" + r, "u1", Fixtures.itemId(7, 2)).setAlphaH(0.4).build());
    }
    List<GeneratedImage> answers = generated.readValuesToList();
    assertThat(answers).extracting(GeneratedImage::getRequestId).containsExactly("r0", "r1", "r2");
    GeneratedImage first = answers.get(0);
    assertThat(first.getStatus()).isEqualTo(Status.OK);
    assertThat(first.getHistoryItemIds()).hasSize(5);
    assertThat(first.getMaskedHistoryItemIds()).hasSize(2);
    assertThat(first.getModelVersion()).isEqualTo("nearest-history-v1");
    assertThat(pairs.isEmpty()).isTrue();
  }

  @Test
  void shouldPublishAPreferencePairWhenARequestAsksForSeveralCandidates() {
    givenACatalog();
    givenLikes("u1", 5);
    requests.pipeInput(
        "u1", Fixtures.request("r1", "u1", Fixtures.itemId(7, 2)).setCandidates(4).build());
    assertThat(generated.readValuesToList()).hasSize(1);
    PreferencePair pair = pairs.readValue();
    assertThat(pair.getRequestId()).isEqualTo("r1");
    assertThat(pair.getSource().name()).isEqualTo("MODEL_SCORE");
  }

  @Test
  void shouldAnswerAColdStartAndRejectAnUnknownReference() {
    givenACatalog();
    requests.pipeInput("new", Fixtures.request("r1", "new", Fixtures.itemId(7, 2)).build());
    requests.pipeInput("new", Fixtures.request("r2", "new", "missing").build());
    List<GeneratedImage> answers = generated.readValuesToList();
    assertThat(answers)
        .extracting(GeneratedImage::getStatus)
        .containsExactly(Status.COLD_START, Status.REJECTED);
    assertThat(answers.get(1).getReason()).isEqualTo("unknown reference item 'missing'");
  }

  @Test
  void shouldKeepRunningPastRecordsItCannotDecodeOrProcess() {
    givenACatalog();
    // Given garbage on every input topic, an undecodable item image and an interaction without a
    // user (TopologyTestDriver does not capture dead-letter records; EngineEndToEndTest reads them
    // from a real broker, DeadLetterHandlerTest checks their content)
    byte[] garbage = {0x00, 0x01, 0x02, 0x03};
    for (Topic<String, ?> t : List.of(topics.interactions, topics.requests, topics.items)) {
      driver
          .createInputTopic(t.name(), new StringSerializer(), new ByteArraySerializer())
          .pipeInput("u1", garbage);
    }
    Item broken = Fixtures.item(0, 0);
    broken.setImage(ByteBuffer.wrap(new byte[] {9, 9, 9}));
    items.pipeInput("broken", broken);
    interactions.pipeInput(null, Fixtures.interaction("", "x", Action.LIKE, 1));

    // When a valid request follows
    requests.pipeInput("u1", Fixtures.request("r1", "u1", Fixtures.itemId(7, 2)).build());

    // Then it is answered: the engine kept running
    assertThat(generated.readValuesToList())
        .extracting(GeneratedImage::getRequestId)
        .containsExactly("r1");
  }
}
