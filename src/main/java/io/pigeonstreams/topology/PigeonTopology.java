package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.CatalogTokenizer;
import io.pigeonstreams.personalize.HistoryPolicy;
import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.topology.RequestProcessor.Batching;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

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
        RequestProcessor.Batching.perRecord(),
        EngineMetrics.none());
  }

  /**
   * @param batching how requests are grouped into micro-batches
   * @param metrics where the engine's meters go
   */
  public static Topology build(
      Topics topics,
      HistoryPolicy historyPolicy,
      VisualTokenizer tokenizer,
      Personalizer personalizer,
      int maxImageSide,
      Batching batching,
      EngineMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();

    // items → catalog: visual tokens computed once per arriving item, read by every instance
    builder.stream(topics.items.name(), topics.items.consumed().withName("items-source"))
        .mapValues(
            item -> item == null ? null : catalogEntry(item, tokenizer, maxImageSide),
            Named.as("tokenize-item"))
        .to(topics.catalog.name(), topics.catalog.produced().withName("catalog-sink"));
    builder.globalTable(
        topics.catalog.name(),
        topics.catalog.consumed().withName("catalog"),
        Materialized.<String, CatalogEntry, KeyValueStore<Bytes, byte[]>>as(CATALOG_STORE)
            .withKeySerde(topics.catalog.keySerde())
            .withValueSerde(topics.catalog.valueSerde()));

    // interactions → user-history
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(HISTORY_STORE), Serdes.String(), topics.historySerde));
    builder.stream(
            topics.interactions.name(),
            topics.interactions.consumed().withName("interactions-source"))
        .process(
            () -> new HistoryProcessor(historyPolicy), Named.as("update-history"), HISTORY_STORE);

    // generation-requests → pending (micro-batch) → join history → mask → generate → score →
    // generated-images (+ preference-pairs)
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), topics.pendingSerde));
    KStream<String, SpecificRecord> answers =
        builder.stream(
                topics.requests.name(), topics.requests.consumed().withName("requests-source"))
            .process(
                () -> new RequestProcessor(personalizer, batching, metrics),
                Named.as("join-mask-generate"),
                HISTORY_STORE,
                PENDING_STORE);
    answers
        .filter((user, answer) -> answer instanceof GeneratedImage, Named.as("images"))
        .mapValues(answer -> (GeneratedImage) answer, Named.as("as-image"))
        .to(topics.generated.name(), topics.generated.produced().withName("generated-images-sink"));
    answers
        .filter((user, answer) -> answer instanceof PreferencePair, Named.as("pairs"))
        .mapValues(answer -> (PreferencePair) answer, Named.as("as-pair"))
        .to(topics.pairs.name(), topics.pairs.produced().withName("preference-pairs-sink"));
    return builder.build();
  }

  private static CatalogEntry catalogEntry(
      io.pigeonstreams.avro.Item item, VisualTokenizer tokenizer, int maxImageSide) {
    try {
      return AvroMapping.catalogEntry(
          CatalogTokenizer.entry(AvroMapping.newItem(item), tokenizer, maxImageSide));
    } catch (IOException e) {
      // to items-dlq, with the reason, through the processing exception handler
      throw new UncheckedIOException("item " + item.getItemId() + ": " + e.getMessage(), e);
    }
  }
}
