package io.pigeonstreams.topology;

import io.pigeonstreams.avro.PendingRequest;
import io.pigeonstreams.personalize.Personalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A task's pending requests: the changelogged {@value PigeonTopology#PENDING_STORE} store (keyed by
 * input offset, so oldest first), how many there are and how many candidate images they ask for,
 * and which of them are lent to another task's micro-batch ({@link ThreadBatchers}) and not
 * published yet. The marks are memory only: the store is the truth after a restart.
 */
final class PendingRequests {

  private final KeyValueStore<String, PendingRequest> store;
  private final ToIntFunction<PendingRequest> images;
  private long count;
  private long imageCount;
  private long oldestEnqueuedAt = Long.MAX_VALUE;

  /** Lent requests (store key → candidate images), until published here or given back. */
  private final Map<String, Integer> lent = new HashMap<>();

  private long lentImages;

  /** Outcomes another task's batch generated for lent requests, to publish in this task. */
  private final Map<String, Personalizer.Outcome> ready = new TreeMap<>();

  /** Counts what {@code store} holds (requests left by the task's last owner, restored). */
  PendingRequests(
      KeyValueStore<String, PendingRequest> store, ToIntFunction<PendingRequest> images) {
    this.store = store;
    this.images = images;
    try (KeyValueIterator<String, PendingRequest> all = store.all()) {
      while (all.hasNext()) {
        PendingRequest p = all.next().value;
        count++;
        imageCount += images.applyAsInt(p);
        oldestEnqueuedAt = Math.min(oldestEnqueuedAt, p.getEnqueuedAt());
      }
    }
  }

  long count() {
    return count;
  }

  void add(String key, PendingRequest p) {
    store.put(key, p);
    count++;
    imageCount += images.applyAsInt(p);
    oldestEnqueuedAt = Math.min(oldestEnqueuedAt, p.getEnqueuedAt());
  }

  /** An answered request, off the store. */
  void remove(String key, PendingRequest p) {
    store.delete(key);
    count--;
    imageCount -= images.applyAsInt(p);
  }

  /** Requests here that no other task's batch has taken. */
  long available() {
    return count - lent.size();
  }

  /** A whole micro-batch is waiting, not counting what is lent out. */
  boolean full(int maxRequests, long maxImages) {
    return available() >= maxRequests || imageCount - lentImages >= maxImages;
  }

  /** When the oldest request not lent out was taken in (the batch delay counts from it). */
  long oldestEnqueuedAt() {
    return oldestEnqueuedAt;
  }

  /**
   * The oldest requests not lent out: at most {@code requests}, and at most {@code maxImages}
   * candidate images unless the first alone has more.
   */
  List<KeyValue<String, PendingRequest>> take(int requests, long maxImages) {
    return collect(requests, maxImages, true, false);
  }

  /**
   * Lends requests to another task's batch: at most {@code requests} and {@code maxImages}
   * candidate images (a request with more is not lent); not taken again until published or given
   * back.
   */
  List<KeyValue<String, PendingRequest>> lend(int requests, long maxImages) {
    return collect(requests, maxImages, false, true);
  }

  private List<KeyValue<String, PendingRequest>> collect(
      int requests, long maxImages, boolean firstMayExceed, boolean markLent) {
    List<KeyValue<String, PendingRequest>> out = new ArrayList<>();
    long taken = 0;
    try (KeyValueIterator<String, PendingRequest> it = store.all()) {
      while (it.hasNext() && out.size() < requests) {
        KeyValue<String, PendingRequest> next = it.next();
        if (lent.containsKey(next.key)) {
          continue;
        }
        int n = images.applyAsInt(next.value);
        if (taken + n > maxImages && !(firstMayExceed && out.isEmpty())) {
          break;
        }
        taken += n;
        out.add(next);
        if (markLent) {
          lent.put(next.key, n);
          lentImages += n;
        }
      }
    }
    if (markLent) {
      recomputeOldest();
    }
    return out;
  }

  /** Lent requests whose batch failed: available here again. */
  void giveBack(List<KeyValue<String, PendingRequest>> entries) {
    entries.forEach(kv -> unlend(kv.key));
    recomputeOldest();
  }

  /** The outcomes another task's batch generated for lent requests. */
  void stash(List<KeyValue<String, PendingRequest>> entries, List<Personalizer.Outcome> outcomes) {
    for (int i = 0; i < entries.size(); i++) {
      ready.put(entries.get(i).key, outcomes.get(i));
    }
  }

  boolean hasReady() {
    return !ready.isEmpty();
  }

  /** The stashed outcomes with their requests, oldest first; no longer lent once taken here. */
  List<Map.Entry<KeyValue<String, PendingRequest>, Personalizer.Outcome>> takeReady() {
    List<Map.Entry<KeyValue<String, PendingRequest>, Personalizer.Outcome>> out = new ArrayList<>();
    for (Map.Entry<String, Personalizer.Outcome> e : ready.entrySet()) {
      unlend(e.getKey());
      PendingRequest p = store.get(e.getKey());
      if (p != null) {
        out.add(Map.entry(KeyValue.pair(e.getKey(), p), e.getValue()));
      }
    }
    ready.clear();
    return out;
  }

  /** After answering: when the oldest request not lent out was taken in. */
  void recomputeOldest() {
    oldestEnqueuedAt = Long.MAX_VALUE;
    if (available() > 0) {
      try (KeyValueIterator<String, PendingRequest> it = store.all()) {
        while (it.hasNext()) {
          KeyValue<String, PendingRequest> next = it.next();
          if (!lent.containsKey(next.key)) {
            oldestEnqueuedAt = next.value.getEnqueuedAt();
            break;
          }
        }
      }
    }
  }

  /** The counts were off (never expected): the store is the truth. */
  void recount() {
    lent.clear();
    lentImages = 0;
    ready.clear();
    count = 0;
    imageCount = 0;
    try (KeyValueIterator<String, PendingRequest> all = store.all()) {
      while (all.hasNext()) {
        count++;
        imageCount += images.applyAsInt(all.next().value);
      }
    }
    recomputeOldest();
  }

  private void unlend(String key) {
    Integer n = lent.remove(key);
    lentImages -= n == null ? 0 : n;
  }
}
