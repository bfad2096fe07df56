package io.pigeonstreams.bench.generation;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.HistoryMasker;
import io.pigeonstreams.generate.pigeon.PigeonComponents;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.StickerCatalog;
import io.pigeonstreams.workload.TopicProducer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The generation benchmark's workload: {@code --emoji} emoji in every style as the catalog (1,500
 * items by default), 200 users with 5 likes in one style each, requests for a random user and a
 * random catalog reference, one candidate each (one request is one image).
 */
final class GenerationWorkload {

  static final int USERS = 200;
  static final int HISTORY = 5;

  private final StickerCatalog catalog;
  private final List<String> itemIds;
  private final List<float[]> itemImages = new ArrayList<>();
  private final List<String> users = new ArrayList<>();
  private final List<int[]> likes = new ArrayList<>();
  private List<int[]> itemTokens;

  /** The users (style, 5 liked items) and the catalog items the engine is seeded with. */
  GenerationWorkload(StickerDataset ds, int emojiCount) {
    catalog = new StickerCatalog(ds, emojiCount);
    itemIds = catalog.itemIds();
    int emoji = catalog.emojiCount();
    for (int e = 0; e < emoji; e++) {
      for (int st = 0; st < ds.styleCount(); st++) {
        itemImages.add(ds.image(e, st));
      }
    }
    Random rnd = new Random(7);
    for (int u = 0; u < USERS; u++) {
      users.add(String.format(Locale.ROOT, "user-%04d", u));
      int style = rnd.nextInt(ds.styleCount());
      int[] liked = new int[HISTORY];
      for (int n = 0; n < HISTORY; n++) {
        liked[n] = rnd.nextInt(emoji) * ds.styleCount() + style;
      }
      likes.add(liked);
    }
  }

  int items() {
    return itemIds.size();
  }

  List<String> users() {
    return users;
  }

  String lastItemId() {
    return itemIds.get(itemIds.size() - 1);
  }

  /** The model's side of requests for these references, each for a random user. */
  List<HistoryMasker.Task> tasks(PigeonComponents model, List<Integer> references, Random rnd) {
    if (itemTokens == null) {
      itemTokens = model.model().tokenizer().tokenize(itemImages);
    }
    List<HistoryMasker.Task> tasks = new ArrayList<>();
    for (int ref : references) {
      List<HistoryEntry> history = new ArrayList<>();
      for (int item : likes.get(rnd.nextInt(users.size()))) {
        history.add(
            new HistoryEntry(itemIds.get(item), itemImages.get(item), itemTokens.get(item)));
      }
      tasks.add(new HistoryMasker.Task(history, 0.2, itemImages.get(ref), itemTokens.get(ref)));
    }
    return tasks;
  }

  /** A request record for a random user and a random catalog reference. */
  ProducerRecord<String, byte[]> request(Topics topics, String id, Random rnd) {
    String user = users.get(rnd.nextInt(users.size()));
    GenerationRequest request =
        Records.request(id, user, itemIds.get(rnd.nextInt(itemIds.size()))).build();
    return TopicProducer.record(topics.requests, user, request);
  }

  /** The catalog items (tokenized by the engine) and the users' likes, to the topics. */
  void seed(TopicProducer producer, Topics topics) {
    catalog.send(producer, topics);
    long ts = System.currentTimeMillis() - 10_000;
    for (int u = 0; u < users.size(); u++) {
      for (int item : likes.get(u)) {
        producer.send(
            topics.interactions,
            users.get(u),
            Records.interaction(users.get(u), itemIds.get(item), Action.LIKE, ts++));
      }
    }
    producer.flush();
  }
}
