package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentOutcome;
import io.pigeonstreams.avro.ExperimentUsers;
import io.pigeonstreams.avro.Exposure;
import io.pigeonstreams.avro.FeedbackExample;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.MetricMoments;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.UserOutcomes;
import io.pigeonstreams.avro.VariantResults;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.HistoryPolicy;
import io.pigeonstreams.personalize.Personalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The engine's one topology, in the order of the design's sentence: items become catalog entries
 * with their visual tokens (once, on arrival) that every instance reads; interactions update each
 * user's history; a request joins that history, masks it, generates and publishes the image with
 * its preference scores, and a preference pair when there were several candidates. No I/O here.
 */
public final class PigeonTopology {

  public static final String HISTORY_STORE = "user-history";
  public static final String CATALOG_STORE = "catalog-store";
  public static final String PENDING_STORE = "pending-requests";
  public static final String SERVED_STORE = "served-images";
  public static final String USER_IMAGES_STORE = "user-images";
  public static final String SLOTS_STORE = "feedback-slots";
  public static final String EXPERIMENTS_STORE = "experiments-store";
  public static final String RESULTS_STORE = "experiment-results-store";
  public static final String HOURLY_RESULTS_STORE = "experiment-results-hourly";
  public static final String USERS_STORE = "experiment-users";
  public static final String VARIANT_USERS_STORE = "experiment-users-by-variant";
  public static final String HOURLY_USERS_STORE = "experiment-users-hourly";

  /**
   * How long published images are kept for feedback ({@code pigeon.feedback.retention.ms}), and how
   * often expired ones are deleted ({@code pigeon.feedback.expiry.interval.ms}).
   */
  public record Retention(Duration keep, Duration checkEvery) {
    public Retention {
      if (keep.isNegative() || keep.isZero() || checkEvery.isNegative() || checkEvery.isZero()) {
        throw new IllegalArgumentException(
            "feedback retention and expiry interval must be > 0, got " + keep + ", " + checkEvery);
      }
    }

    /** 7 days, checked every 10 minutes. */
    public static Retention defaults() {
      return new Retention(Duration.ofDays(7), Duration.ofMinutes(10));
    }
  }

  /** The default of {@code pigeon.history.cache.users}. */
  public static final int HISTORY_CACHE_USERS = 10_000;

  private PigeonTopology() {}

  public static Topology build(
      Topics topics,
      HistoryPolicy historyPolicy,
      VisualTokenizer tokenizer,
      Personalizer personalizer,
      int maxImageSide) {
    return build(
        topics,
        historyPolicy,
        tokenizer,
        personalizer,
        maxImageSide,
        Batching.perRecord(),
        Retention.defaults(),
        HISTORY_CACHE_USERS,
        EngineMetrics.none());
  }

  /**
   * @param batching how requests are grouped into micro-batches
   * @param retention how long published images are kept for feedback
   * @param historyCacheUsers histories kept decoded in memory per task ({@link HistoryStore})
   * @param metrics where the engine's meters go
   */
  public static Topology build(
      Topics topics,
      HistoryPolicy historyPolicy,
      VisualTokenizer tokenizer,
      Personalizer personalizer,
      int maxImageSide,
      Batching batching,
      Retention retention,
      int historyCacheUsers,
      EngineMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    // one batch per stream thread, over the requests of all its tasks
    ThreadBatchers batchers = new ThreadBatchers();

    // items → catalog: visual tokens computed once per arriving item, read by every instance
    builder.stream(topics.items.name(), topics.items.consumed().withName("items-source"))
        .mapValues(
            item ->
                item == null
                    ? null
                    : AvroMapping.tokenizedItem(
                        item, tokenizer, maxImageSide, personalizer.claimCheck()),
            Named.as("tokenize-item"))
        .to(topics.catalog.name(), topics.catalog.produced().withName("catalog-sink"));
    builder.globalTable(
        topics.catalog.name(),
        topics.catalog.consumed().withName("catalog"),
        Materialized.<String, CatalogEntry, KeyValueStore<Bytes, byte[]>>as(CATALOG_STORE)
            .withKeySerde(topics.catalog.keySerde())
            .withValueSerde(topics.catalog.valueSerde()));

    // experiments → a global table: every instance applies the same definitions
    builder.globalTable(
        topics.experiments.name(),
        topics.experiments.consumed().withName("experiments"),
        Materialized.<String, Experiment, KeyValueStore<Bytes, byte[]>>as(EXPERIMENTS_STORE)
            .withKeySerde(topics.experiments.keySerde())
            .withValueSerde(topics.experiments.valueSerde()));

    // interactions → user-history; feedback on generated images (joined with served-images) →
    // user-history, feedback-labels, preference-pairs (USER_FEEDBACK), catalog (liked images)
    // histories stay decoded in memory: a user's interactions between two commits cost no Avro
    // round trip and become one RocksDB write and one changelog record (see HistoryStore)
    builder.addStateStore(
        HistoryStore.builder(HISTORY_STORE, topics.historySerde, historyCacheUsers));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SERVED_STORE), Serdes.String(), topics.servedSerde));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(USER_IMAGES_STORE), Serdes.String(), Serdes.String()));
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SLOTS_STORE), Serdes.String(), topics.slotSerde));
    KStream<String, Interaction> interactions =
        builder.stream(
            topics.interactions.name(),
            topics.interactions.consumed().withName("interactions-source"));
    interactions
        .filter(
            // a record without a value goes here too: the history path dead-letters it
            (user, i) -> i == null || i.getGeneratedImageId() == null,
            Named.as("catalog-interactions"))
        .process(
            () -> new HistoryProcessor(historyPolicy), Named.as("update-history"), HISTORY_STORE);
    KStream<String, SpecificRecord> feedback =
        interactions
            .filter((user, i) -> i != null && i.getGeneratedImageId() != null, Named.as("feedback"))
            .process(
                () -> new FeedbackProcessor(historyPolicy, retention, maxImageSide, metrics),
                Named.as("join-feedback"),
                HISTORY_STORE,
                SERVED_STORE,
                USER_IMAGES_STORE,
                SLOTS_STORE);
    route(
        feedback,
        FeedbackExample.class,
        topics.feedbackLabels,
        "labelled-feedback",
        "as-example",
        "feedback-labels-sink");
    route(
        feedback,
        PreferencePair.class,
        topics.pairs,
        "feedback-pairs",
        "as-feedback-pair",
        "feedback-pairs-sink");
    route(
        feedback,
        CatalogEntry.class,
        topics.catalog,
        "liked-images",
        "as-catalog-entry",
        "liked-images-sink");

    // generation-requests → pending (micro-batch) → join history → mask → generate → score →
    // generated-images (+ preference-pairs)
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), topics.pendingSerde));
    KStream<String, SpecificRecord> answers =
        builder.stream(
                topics.requests.name(), topics.requests.consumed().withName("requests-source"))
            // a record without a value has nothing to answer: dead-lettered here, one record at a
            // time (an error in the micro-batch node itself replays the batch instead)
            .mapValues(
                r -> {
                  if (r == null) {
                    throw InputChecks.noValue("generation-requests");
                  }
                  return r;
                },
                Named.as("check-request"))
            .process(
                () -> new RequestProcessor(personalizer, batching, metrics, batchers),
                Named.as("join-mask-generate"),
                HISTORY_STORE,
                PENDING_STORE,
                SERVED_STORE,
                USER_IMAGES_STORE);
    route(
        answers,
        GeneratedImage.class,
        topics.generated,
        "images",
        "as-image",
        "generated-images-sink");
    route(answers, PreferencePair.class, topics.pairs, "pairs", "as-pair", "preference-pairs-sink");
    route(answers, Exposure.class, topics.exposures, "exposures", "as-exposure", "exposures-sink");

    // exposures' and reactions' outcomes → sufficient statistics per experiment, variant and
    // metric, cumulative and hourly → experiment-results (and queryable stores)
    KStream<String, ExperimentOutcome> outcomes =
        outcomes(answers, "answer-outcomes").merge(outcomes(feedback, "feedback-outcomes"));
    aggregate(outcomes, topics, metrics);
    return builder.build();
  }

  private static KStream<String, ExperimentOutcome> outcomes(
      KStream<String, SpecificRecord> outputs, String name) {
    return outputs
        .filter((key, value) -> value instanceof ExperimentOutcome, Named.as(name))
        .mapValues(value -> (ExperimentOutcome) value, Named.as("as-" + name));
  }

  /** The key of a metric of a variant of an experiment in experiment-results. */
  public static String resultKey(String experimentId, String variant, String metric) {
    return experimentId + "|" + variant + "|" + metric;
  }

  /**
   * Outcomes → per user (experiment|variant|user: the unit metrics are ratios over) → per variant
   * (adding a user's new sums and taking out its old ones, so Σx, Σx², Σy, Σy², Σxy stay exact sums
   * over users) → one record per metric on experiment-results; the same cumulatively and per hour.
   */
  private static void aggregate(
      KStream<String, ExperimentOutcome> outcomes, Topics topics, EngineMetrics metrics) {
    KGroupedStream<String, ExperimentOutcome> byUser =
        outcomes
            .filter((k, o) -> o.getUserId() != null, Named.as("outcomes-with-user"))
            .selectKey(
                (k, o) -> o.getExperimentId() + "|" + o.getVariant() + "|" + o.getUserId(),
                Named.as("by-experiment-user"))
            .groupByKey(Grouped.with("experiment-outcomes", Serdes.String(), topics.outcomeSerde));
    KTable<String, UserOutcomes> users =
        byUser.aggregate(
            () -> null,
            (key, o, u) -> ExperimentMapping.addTo(u, o),
            Named.as("experiment-users"),
            Materialized.<String, UserOutcomes, KeyValueStore<Bytes, byte[]>>as(USERS_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(topics.userOutcomesSerde));
    KTable<String, VariantResults> cumulative =
        users
            .groupBy(
                (key, u) -> KeyValue.pair(u.getExperimentId() + "|" + u.getVariant(), u),
                Grouped.with("experiment-variant-users", Serdes.String(), topics.userOutcomesSerde))
            .aggregate(
                () -> null,
                (key, u, r) -> ExperimentMapping.addUser(r, u, 1, null),
                (key, u, r) -> ExperimentMapping.addUser(r, u, -1, null),
                Named.as("experiment-results-cumulative"),
                Materialized.<String, VariantResults, KeyValueStore<Bytes, byte[]>>as(RESULTS_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(topics.variantResultsSerde));
    publish(cumulative, topics, "cumulative");
    // users per variant of each experiment → the sample-ratio check, as a metric
    cumulative
        .groupBy(
            (key, r) -> KeyValue.pair(r.getExperimentId(), r),
            Grouped.with("experiment-variants", Serdes.String(), topics.variantResultsSerde))
        .aggregate(
            () -> null,
            (id, r, u) -> ExperimentMapping.users(u, r, 1),
            (id, r, u) -> ExperimentMapping.users(u, r, -1),
            Named.as("experiment-users-by-variant"),
            Materialized.<String, ExperimentUsers, KeyValueStore<Bytes, byte[]>>as(
                    VARIANT_USERS_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(topics.experimentUsersSerde))
        .toStream(Named.as("experiment-users-changes"))
        .processValues(() -> new SampleRatioProcessor(metrics), Named.as("sample-ratio-check"));
    KTable<Windowed<String>, UserOutcomes> hourlyUsers =
        byUser
            .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofHours(1)))
            .aggregate(
                () -> null,
                (key, o, u) -> ExperimentMapping.addTo(u, o),
                Named.as("experiment-users-hourly"),
                Materialized.<String, UserOutcomes, WindowStore<Bytes, byte[]>>as(
                        HOURLY_USERS_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(topics.userOutcomesSerde)
                    .withRetention(Duration.ofDays(7)));
    publish(
        hourlyUsers
            .groupBy(
                (window, u) ->
                    KeyValue.pair(
                        u.getExperimentId()
                            + "|"
                            + u.getVariant()
                            + "@"
                            + window.window().startTime(),
                        u),
                Grouped.with(
                    "experiment-variant-users-hourly", Serdes.String(), topics.userOutcomesSerde))
            .aggregate(
                () -> null,
                (key, u, r) -> ExperimentMapping.addUser(r, u, 1, hourOf(key)),
                (key, u, r) -> ExperimentMapping.addUser(r, u, -1, hourOf(key)),
                Named.as("experiment-results-hourly"),
                Materialized.<String, VariantResults, KeyValueStore<Bytes, byte[]>>as(
                        HOURLY_RESULTS_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(topics.variantResultsSerde)),
        topics,
        "hourly");
  }

  /** The hour of an hourly variant key (experiment|variant@hourStart). */
  private static Instant hourOf(String key) {
    return Instant.parse(key.substring(key.lastIndexOf('@') + 1));
  }

  /** A variant's results as one experiment-results record per metric. */
  private static void publish(KTable<String, VariantResults> results, Topics topics, String name) {
    results
        .toStream(Named.as(name + "-results"))
        .filter((key, r) -> r != null, Named.as(name + "-results-present"))
        .flatMap(
            (key, r) -> {
              List<KeyValue<String, MetricMoments>> out = new ArrayList<>();
              r.getMetrics()
                  .forEach(
                      (metric, m) ->
                          out.add(
                              KeyValue.pair(
                                  resultKey(r.getExperimentId(), r.getVariant(), metric)
                                      + (r.getWindowStart() == null
                                          ? ""
                                          : "@" + r.getWindowStart()),
                                  m)));
              return out;
            },
            Named.as(name + "-results-per-metric"))
        .to(
            topics.experimentResults.name(),
            topics.experimentResults.produced().withName(name + "-experiment-results-sink"));
  }

  /**
   * Sends the records of {@code type} among a processor's outputs to {@code topic}, through nodes
   * named {@code filter}, {@code cast} and {@code sink}.
   */
  private static <V extends SpecificRecord> void route(
      KStream<String, SpecificRecord> outputs,
      Class<V> type,
      Topic<String, V> topic,
      String filter,
      String cast,
      String sink) {
    outputs
        .filter((key, value) -> type.isInstance(value), Named.as(filter))
        .mapValues(type::cast, Named.as(cast))
        .to(topic.name(), topic.produced().withName(sink));
  }
}
