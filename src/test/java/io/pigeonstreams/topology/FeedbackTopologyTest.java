package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.FeedbackExample;
import io.pigeonstreams.avro.FeedbackSlot;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.HistoryItem;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.metrics.EngineMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Feedback on generated images joined with what was served (issue #12), on TopologyTestDriver. */
class FeedbackTopologyTest {

  private TopologyTestDriver driver;
  private SimpleMeterRegistry meters;
  private TestInputTopic<String, Item> items;
  private TestInputTopic<String, Interaction> interactions;
  private TestInputTopic<String, GenerationRequest> requests;
  private TestOutputTopic<String, CatalogEntry> catalog;
  private TestOutputTopic<String, GeneratedImage> generated;
  private TestOutputTopic<String, PreferencePair> pairs;
  private TestOutputTopic<String, FeedbackExample> examples;

  @BeforeEach
  void startDriver() {
    Topics topics = Fixtures.topics();
    meters = new SimpleMeterRegistry();
    driver =
        new TopologyTestDriver(
            Fixtures.topology(
                topics,
                new NearestHistoryGenerator(),
                Batching.perRecord(),
                new EngineMetrics(meters)),
            Fixtures.streamsProperties(),
            Instant.ofEpochMilli(0));
    items = input(topics.items);
    interactions = input(topics.interactions);
    requests = input(topics.requests);
    catalog = output(topics.catalog);
    generated = output(topics.generated);
    pairs = output(topics.pairs);
    examples = output(topics.feedbackLabels);
    for (int e = 0; e < 7; e++) {
      items.pipeInput(Fixtures.itemId(e, 0), Fixtures.item(e, 0));
    }
    items.pipeInput(Fixtures.itemId(7, 2), Fixtures.item(7, 2));
    for (String user : List.of("u1", "u2")) {
      for (int e = 0; e < 5; e++) {
        interactions.pipeInput(
            user, Fixtures.interaction(user, Fixtures.itemId(e, 0), Action.LIKE, 10 + e));
      }
    }
    catalog.readValuesToList();
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

  /** The id of the image that answered request {@code id} of {@code user}. */
  private String served(String user, String id, String reference) {
    requests.pipeInput(user, Fixtures.request(id, user, reference).build());
    GeneratedImage answer = generated.readValue();
    assertThat(answer.getRequestId()).isEqualTo(id);
    return answer.getImageId();
  }

  private void react(String user, String imageId, Action action, long ts) {
    interactions.pipeInput(
        user,
        Interaction.newBuilder(Fixtures.interaction(user, imageId, action, ts))
            .setGeneratedImageId(imageId)
            .build());
  }

  private double feedbackCount(String outcome) {
    var c = meters.find("pigeon.feedback").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void shouldTurnALikeAndASkipOfOnePromptIntoAUserFeedbackPair() {
    // Given two images served to u1 for the same reference
    String reference = Fixtures.itemId(7, 2);
    String liked = served("u1", "r1", reference);
    String skipped = served("u1", "r2", reference);
    KeyValueStore<String, ServedImage> store = driver.getKeyValueStore(PigeonTopology.SERVED_STORE);
    assertThat(store.get(liked).getReferenceItemId()).isEqualTo(reference);
    assertThat(store.get(liked).getTokens()).hasSize(64);

    // When u1 likes the first: a labelled example, the image in the catalog and the history
    react("u1", liked, Action.LIKE, 100);
    FeedbackExample positive = examples.readValue();
    assertThat(positive.getLabel()).isTrue();
    assertThat(positive.getImageId()).isEqualTo(liked);
    assertThat(positive.getReferenceItemId()).isEqualTo(reference);
    assertThat(positive.getTokens()).isEqualTo(store.get(liked).getTokens());
    assertThat(pairs.isEmpty()).isTrue();
    CatalogEntry entry = catalog.readValue();
    assertThat(entry.getItemId()).isEqualTo("generated/" + liked);
    assertThat(entry.getTokens()).isEqualTo(store.get(liked).getTokens());
    UserHistory history = Fixtures.historyStore(driver).get("u1");
    assertThat(history.getPositives().get(0).getItemId()).isEqualTo("generated/" + liked);

    // And skips the second: a negative example and a pair, the liked image chosen
    react("u1", skipped, Action.SKIP, 101);
    assertThat(examples.readValue().getLabel()).isFalse();
    PreferencePair pair = pairs.readValue();
    assertThat(pair.getSource()).isEqualTo(PreferenceSource.USER_FEEDBACK);
    assertThat(pair.getChosenTokens()).isEqualTo(store.get(liked).getTokens());
    assertThat(pair.getRejectedTokens()).isEqualTo(store.get(skipped).getTokens());
    assertThat(pair.getRequestId()).isEqualTo("r1");
    assertThat(pair.getReferenceItemId()).isEqualTo(reference);
    assertThat(pair.getChosenImage()).isNotNull();
    assertThat(pair.getRejectedImage()).isNotNull();
    assertThat(
            driver
                .<String, FeedbackSlot>getKeyValueStore(PigeonTopology.SLOTS_STORE)
                .approximateNumEntries())
        .isZero();
    assertThat(feedbackCount("paired")).isEqualTo(1);
    assertThat(feedbackCount("waiting")).isEqualTo(1);

    // And the next request of u1 is generated from a history that holds the liked sticker
    requests.pipeInput("u1", Fixtures.request("r3", "u1", reference).build());
    assertThat(generated.readValue().getHistoryItemIds()).contains("generated/" + liked);
  }

  @Test
  void shouldPairThePickOfTwoOptionsShownSideBySideWithTheOther() {
    // Given a request answered with two options
    requests.pipeInput(
        "u1", Fixtures.request("r1", "u1", Fixtures.itemId(7, 2)).setOptions(2).build());
    GeneratedImage answer = generated.readValue();
    String first = answer.getImageId();
    String second = answer.getAlternativeImageId();
    assertThat(second).isEqualTo(first + "#2");
    assertThat(answer.getAlternativeImage()).isNotNull();
    KeyValueStore<String, ServedImage> store = driver.getKeyValueStore(PigeonTopology.SERVED_STORE);
    assertThat(store.get(second).getSiblingImageId()).isEqualTo(first);
    // (the 11 candidates behind the two options also made the model's own pair)
    assertThat(pairs.readValue().getSource()).isEqualTo(PreferenceSource.MODEL_SCORE);

    // When the user picks the second
    react("u1", second, Action.LIKE, 100);

    // Then that is a pair at once, the pick chosen, and a like of the first later pairs nothing
    PreferencePair pair = pairs.readValue();
    assertThat(pair.getSource()).isEqualTo(PreferenceSource.USER_FEEDBACK);
    assertThat(pair.getChosenTokens()).isEqualTo(store.get(second).getTokens());
    assertThat(pair.getRejectedTokens()).isEqualTo(store.get(first).getTokens());
    assertThat(pair.getChosenAlphaR()).isEqualTo(answer.getAlternativeAlphaR());
    assertThat(feedbackCount("picked")).isEqualTo(1);
    react("u1", first, Action.LIKE, 101);
    assertThat(pairs.isEmpty()).isTrue();
    assertThat(examples.readValuesToList()).hasSize(2);
  }

  @Test
  void shouldKeepReactionsOfOtherPromptsAndNeutralOnesUnpaired() {
    String first = served("u1", "r1", Fixtures.itemId(7, 2));
    String other = served("u1", "r2", Fixtures.itemId(6, 0));
    react("u1", first, Action.VIEW, 100);
    react("u1", first, Action.LIKE, 101);
    react("u1", other, Action.DISLIKE, 102);
    assertThat(examples.readValuesToList())
        .extracting(FeedbackExample::getLabel)
        .containsExactly(true, false);
    assertThat(pairs.isEmpty()).isTrue();
    assertThat(feedbackCount("neutral")).isEqualTo(1);
    assertThat(feedbackCount("waiting")).isEqualTo(2);
    List<String> negatives =
        Fixtures.historyStore(driver).get("u1").getNegatives().stream()
            .map(HistoryItem::getItemId)
            .toList();
    assertThat(negatives).containsExactly("generated/" + other);
  }

  @Test
  void shouldDeadLetterFeedbackOnUnknownExpiredOrSomeoneElsesImages() {
    String image = served("u1", "r1", Fixtures.itemId(7, 2));

    // feedback on an image never served, and on u1's image by u2
    react("u1", "no-such-image", Action.LIKE, 100);
    react("u2", image, Action.LIKE, 101);
    assertThat(feedbackCount("unknown_image")).isEqualTo(1);
    assertThat(feedbackCount("other_user")).isEqualTo(1);

    // after the retention (7 days) the image is gone, and feedback on it with it
    driver.advanceWallClockTime(Duration.ofDays(7).plusMinutes(11));
    assertThat(driver.getKeyValueStore(PigeonTopology.SERVED_STORE).get(image)).isNull();
    react("u1", image, Action.LIKE, 102);
    assertThat(feedbackCount("unknown_image")).isEqualTo(2);
    assertThat(examples.isEmpty()).isTrue();

    // and the engine goes on answering
    served("u1", "r2", Fixtures.itemId(7, 2));
  }
}
