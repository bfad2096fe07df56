package io.pigeonstreams.topology;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.retrieval.PaletteOutlierMasker;
import io.pigeonstreams.generate.retrieval.PaletteStructureScorer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.ClaimCheck;
import io.pigeonstreams.personalize.HistoryPolicy;
import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.workload.Records;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/** Real catalog items (emoji from the committed dataset) and requests for topology tests. */
public final class Fixtures {

  private Fixtures() {}

  public static String itemId(int emoji, int style) {
    return StickerDataset.STYLES.get(style) + "/" + TestData.dataset().emoji().get(emoji).id();
  }

  /** A catalog item, created at the epoch (a fixed time: outputs compare as equal). */
  public static Item item(int emoji, int style) {
    StickerDataset ds = TestData.dataset();
    Item item =
        Records.item(
            itemId(emoji, style),
            ds.image(emoji, style),
            ds.emoji().get(emoji).name(),
            ds.emoji().get(emoji).category(),
            StickerDataset.STYLES.get(style));
    return Item.newBuilder(item).setCreatedAt(Instant.ofEpochMilli(0)).build();
  }

  public static Interaction interaction(String user, String itemId, Action action, long ts) {
    return Records.interaction(user, itemId, action, ts);
  }

  /** A request timestamped at 1 s (a fixed time). */
  public static GenerationRequest.Builder request(
      String requestId, String user, String referenceItemId) {
    return Records.request(requestId, user, referenceItemId)
        .setTimestamp(Instant.ofEpochMilli(1_000));
  }

  /** The topics with the default serialization (single-object Avro). */
  /** The user-history store of a test driver (not a plain key-value store, see HistoryStore). */
  public static HistoryStore historyStore(org.apache.kafka.streams.TopologyTestDriver driver) {
    return (HistoryStore) driver.getAllStateStores().get(PigeonTopology.HISTORY_STORE);
  }

  public static Topics topics() {
    return new Topics(Map.of());
  }

  /**
   * The topology from its parts, without the engine: the retrieval components (no model) with
   * {@code generator} in place of the nearest-history generator, and the defaults of {@code
   * pigeon-streams.properties} (history 5, α_h 0.2, α_r 0.5, one candidate by default, at most 11).
   */
  public static Topology topology(
      Topics topics, ImageGenerator generator, Batching batching, EngineMetrics metrics) {
    VisualTokenizer tokenizer = new PaletteTokenizer();
    Personalizer personalizer =
        new Personalizer(
            new Personalizer.Settings(
                0.2,
                0.5,
                1,
                11,
                262_144,
                1024,
                "control",
                io.pigeonstreams.generate.Candidates.Selection.BALANCED),
            tokenizer,
            new PaletteOutlierMasker(),
            generator,
            new PaletteStructureScorer(),
            new ClaimCheck(262_144, Path.of("claims")));
    personalizer.onStage(metrics::stage);
    return PigeonTopology.build(
        topics,
        new HistoryPolicy(5),
        tokenizer,
        personalizer,
        1024,
        batching,
        PigeonTopology.Retention.defaults(),
        PigeonTopology.HISTORY_CACHE_USERS,
        metrics);
  }

  /** Each request answered as it arrives (micro-batches of one): see MicroBatchingTest. */
  public static Topology topology(Topics topics) {
    return topology(
        topics, new NearestHistoryGenerator(), Batching.perRecord(), EngineMetrics.none());
  }

  /** A driver's input topic for {@code t}, with its serdes. */
  public static <V> org.apache.kafka.streams.TestInputTopic<String, V> input(
      org.apache.kafka.streams.TopologyTestDriver driver, Topic<String, V> t) {
    return driver.createInputTopic(
        t.name(),
        new org.apache.kafka.common.serialization.StringSerializer(),
        t.valueSerde().serializer());
  }

  /** A driver's output topic for {@code t}, with its serdes. */
  public static <V> org.apache.kafka.streams.TestOutputTopic<String, V> output(
      org.apache.kafka.streams.TopologyTestDriver driver, Topic<String, V> t) {
    return driver.createOutputTopic(
        t.name(),
        new org.apache.kafka.common.serialization.StringDeserializer(),
        t.valueSerde().deserializer());
  }

  /** Kafka Streams settings for the test driver: exactly-once and the dead-letter handlers. */
  public static Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "pigeon-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/pigeon-ttd");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    return DeadLetterHandler.install(p);
  }
}
