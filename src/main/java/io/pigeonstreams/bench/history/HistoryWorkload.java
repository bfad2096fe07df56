package io.pigeonstreams.bench.history;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.personalize.CatalogTokenizer;
import io.pigeonstreams.topology.AvroMapping;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.StickerCatalog;
import io.pigeonstreams.workload.TopicProducer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The history benchmark's records: the whole sticker catalog; for the throughput run interactions
 * of many users, mostly positive with some skips and dislikes (every branch of the history policy);
 * for the latency runs users with full histories and requests for a random catalog reference.
 */
final class HistoryWorkload {

  private final HistorySettings settings;
  private final StickerDataset dataset;
  private final StickerCatalog catalog;
  private final List<String> itemIds;

  HistoryWorkload(HistorySettings settings, StickerDataset dataset) {
    this.settings = settings;
    this.dataset = dataset;
    this.catalog = StickerCatalog.of(dataset);
    this.itemIds = catalog.itemIds();
  }

  List<String> itemIds() {
    return itemIds;
  }

  String lastItemId() {
    return itemIds.get(itemIds.size() - 1);
  }

  static String userId(String prefix, int u) {
    return prefix + String.format(Locale.ROOT, "%04d", u);
  }

  /** The throughput workload, pre-serialized, into {@code records}; returns the active users. */
  Set<String> interactions(Topics topics, List<ProducerRecord<byte[], byte[]>> records) {
    Random rnd = new Random(settings.seed());
    byte[][] userKeys = new byte[settings.users()][];
    for (int u = 0; u < userKeys.length; u++) {
      userKeys[u] = userId("user-", u).getBytes(StandardCharsets.UTF_8);
    }
    // mostly positive actions, some skips and dislikes: every branch of the history policy
    Action[] actions = {
      Action.VIEW,
      Action.VIEW,
      Action.VIEW,
      Action.LIKE,
      Action.LIKE,
      Action.CLICK,
      Action.SHARE,
      Action.SAVE,
      Action.SKIP,
      Action.DISLIKE
    };
    String topic = topics.interactions.name();
    var serializer = topics.interactions.valueSerde().serializer();
    Set<String> active = new HashSet<>();
    long ts = System.currentTimeMillis() - settings.interactions();
    for (int i = 0; i < settings.interactions(); i++) {
      int u = rnd.nextInt(settings.users());
      String user = userId("user-", u);
      active.add(user);
      Interaction interaction =
          Records.interaction(
              user,
              itemIds.get(rnd.nextInt(itemIds.size())),
              actions[rnd.nextInt(actions.length)],
              ts + i);
      records.add(
          new ProducerRecord<>(
              topic, null, ts + i, userKeys[u], serializer.serialize(topic, interaction)));
    }
    return active;
  }

  /**
   * The catalog as the engine writes it to {@code catalog} (tokenized by the retrieval baseline's
   * palette tokenizer, as the engine's default components do), keyed by item id.
   */
  List<ProducerRecord<byte[], byte[]>> catalogEntries(Topics topics) throws IOException {
    PaletteTokenizer tokenizer = new PaletteTokenizer();
    int maxSide = EngineConfig.of(Map.of()).getInt("pigeon.request.image.max.side");
    String topic = topics.catalog.name();
    var serializer = topics.catalog.valueSerde().serializer();
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (int e = 0; e < catalog.emojiCount(); e++) {
      for (int s = 0; s < dataset.styleCount(); s++) {
        Item item = catalog.item(e, s);
        CatalogEntry entry =
            AvroMapping.catalogEntry(
                CatalogTokenizer.entry(AvroMapping.newItem(item), tokenizer, maxSide));
        out.add(
            new ProducerRecord<>(
                topic,
                item.getItemId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, entry)));
      }
    }
    return out;
  }

  /**
   * Sends N + 2 distinct positive interactions for each of the latency users of history length N,
   * so each history is full; returns each user's newest item.
   */
  Map<String, String> fullHistories(TopicProducer producer, Topics topics, int n, Random rnd) {
    String prefix = "n" + n + "-";
    Map<String, String> newest = new LinkedHashMap<>();
    long ts = System.currentTimeMillis() - 10_000;
    for (int u = 0; u < settings.latencyUsers(); u++) {
      String user = userId(prefix + "user-", u);
      Set<String> picked = new HashSet<>();
      while (picked.size() < n + 2) {
        String item = itemIds.get(rnd.nextInt(itemIds.size()));
        if (!picked.add(item)) {
          continue;
        }
        Action action = picked.size() % 2 == 0 ? Action.LIKE : Action.VIEW;
        producer.send(topics.interactions, user, Records.interaction(user, item, action, ++ts));
        newest.put(user, item);
      }
    }
    producer.flush();
    return newest;
  }

  /** A request of {@code user} for a random catalog reference, timestamped now (send time). */
  GenerationRequest request(String requestId, String user, Random rnd) {
    return Records.request(requestId, user, itemIds.get(rnd.nextInt(itemIds.size()))).build();
  }
}
