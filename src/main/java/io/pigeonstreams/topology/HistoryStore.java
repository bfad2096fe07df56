package io.pigeonstreams.topology;

import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.personalize.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The {@code user-history} store: users' histories kept decoded in memory above the RocksDB store
 * and its changelog, so that an interaction costs no Avro decode and encode of the whole history.
 *
 * <ul>
 *   <li>The processors of the task read and write {@link History} values ({@link #history}, {@link
 *       #put}); a read that misses decodes the stored record once and keeps it.
 *   <li>Changed histories are written to the store below (one RocksDB put and one changelog record
 *       per user) when Kafka Streams flushes the caches before it commits, exactly as its own
 *       record cache does, so under exactly-once a history is in the changelog of the transaction
 *       that commits the interactions it reflects. A history evicted while changed is written at
 *       once.
 *   <li>At most {@code maxUsers} histories per task stay in memory (least recently used leave
 *       first).
 *   <li>Interactive queries ({@link ReadOnlyKeyValueStore}) see the changed histories not yet
 *       written, as {@link UserHistory} records ({@code range} and {@code all} return a copy); they
 *       never fill the memory. A standby task never fills it either (only processors do), and the
 *       memory is dropped whenever Kafka Streams closes, re-initializes or recycles the store, so
 *       it is never staler than the store.
 * </ul>
 *
 * <p>This hooks into Kafka Streams' cache flushing ({@code CachedStateStore} through {@link
 * WrappedStateStore}), an internal interface; {@code HistoryStoreTest} checks that the flush still
 * happens before the commit.
 */
public final class HistoryStore
    extends WrappedStateStore<KeyValueStore<String, UserHistory>, String, UserHistory>
    implements ReadOnlyKeyValueStore<String, UserHistory> {

  private static final class Entry {
    History value;
    ProcessorRecordContext changedBy; // null when the value is what the store holds

    Entry(History value, ProcessorRecordContext changedBy) {
      this.value = value;
      this.changedBy = changedBy;
    }
  }

  private final int maxUsers;
  private final Map<String, Entry> memory;
  private InternalProcessorContext<?, ?> context;

  HistoryStore(KeyValueStore<String, UserHistory> store, int maxUsers) {
    super(store);
    if (maxUsers < 1) {
      throw new IllegalArgumentException("history cache size must be >= 1, got " + maxUsers);
    }
    this.maxUsers = maxUsers;
    this.memory =
        new LinkedHashMap<>(16, 0.75f, true) { // access order: least recently used first
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            if (size() <= HistoryStore.this.maxUsers) {
              return false;
            }
            if (eldest.getValue().changedBy != null) {
              write(eldest.getKey(), eldest.getValue());
            }
            return true;
          }
        };
  }

  /**
   * Builds the store: RocksDB, logged to a changelog, no record cache of Kafka Streams' own (this
   * store is the cache).
   */
  static StoreBuilder<HistoryStore> builder(String name, Serde<UserHistory> serde, int maxUsers) {
    StoreBuilder<KeyValueStore<String, UserHistory>> below =
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), serde)
            .withCachingDisabled();
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<HistoryStore> withCachingEnabled() {
        return this; // always cached, by this store
      }

      @Override
      public StoreBuilder<HistoryStore> withCachingDisabled() {
        throw new UnsupportedOperationException("the history store is always cached");
      }

      @Override
      public StoreBuilder<HistoryStore> withLoggingEnabled(Map<String, String> config) {
        below.withLoggingEnabled(config);
        return this;
      }

      @Override
      public StoreBuilder<HistoryStore> withLoggingDisabled() {
        below.withLoggingDisabled();
        return this;
      }

      @Override
      public HistoryStore build() {
        return new HistoryStore(below.build(), maxUsers);
      }

      @Override
      public Map<String, String> logConfig() {
        return below.logConfig();
      }

      @Override
      public boolean loggingEnabled() {
        return below.loggingEnabled();
      }

      @Override
      public String name() {
        return below.name();
      }
    };
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    synchronized (memory) {
      memory.clear();
    }
    context = ProcessorContextUtils.asInternalProcessorContext(stateStoreContext);
    super.init(stateStoreContext, root);
  }

  /** The user's history, or null for a user without one (for the task's processors). */
  public History history(String userId) {
    synchronized (memory) {
      Entry e = memory.get(userId);
      if (e != null) {
        return e.value;
      }
      UserHistory stored = wrapped().get(userId);
      if (stored == null) {
        return null;
      }
      History h = AvroMapping.history(stored);
      memory.put(userId, new Entry(h, null));
      return h;
    }
  }

  /** Replaces the user's history (for the task's processors); written at the next flush. */
  public void put(String userId, History history) {
    if (userId == null || history == null) {
      throw new IllegalArgumentException("a history needs a user id and a value");
    }
    ProcessorRecordContext by = context.recordContext();
    synchronized (memory) {
      Entry e = memory.get(userId);
      if (e == null) {
        memory.put(userId, new Entry(history, by));
      } else {
        e.value = history;
        e.changedBy = by;
      }
    }
  }

  @Override
  public void flushCache() {
    synchronized (memory) {
      for (Map.Entry<String, Entry> e : memory.entrySet()) {
        if (e.getValue().changedBy != null) {
          write(e.getKey(), e.getValue());
        }
      }
    }
    super.flushCache();
  }

  @Override
  public void clearCache() {
    synchronized (memory) {
      memory.clear();
    }
    super.clearCache();
  }

  @Override
  public void close() {
    synchronized (memory) {
      memory.clear();
    }
    super.close();
  }

  /** Writes a changed history below, in the record context of the record that changed it. */
  private void write(String userId, Entry e) {
    ProcessorRecordContext current = context.recordContext();
    context.setRecordContext(e.changedBy);
    try {
      wrapped().put(userId, AvroMapping.userHistory(e.value));
    } finally {
      context.setRecordContext(current);
    }
    e.changedBy = null;
  }

  // --- interactive queries ---------------------------------------------------------------------

  @Override
  public UserHistory get(String userId) {
    synchronized (memory) {
      Entry e = memory.get(userId);
      if (e != null) {
        return AvroMapping.userHistory(e.value);
      }
    }
    return wrapped().get(userId);
  }

  @Override
  public KeyValueIterator<String, UserHistory> range(String from, String to) {
    return merged(wrapped().range(from, to), from, to);
  }

  @Override
  public KeyValueIterator<String, UserHistory> all() {
    return merged(wrapped().all(), null, null);
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries();
  }

  /** The stored entries in [from, to] with the changed histories not yet written laid over. */
  private KeyValueIterator<String, UserHistory> merged(
      KeyValueIterator<String, UserHistory> stored, String from, String to) {
    TreeMap<String, UserHistory> view = new TreeMap<>();
    try (stored) {
      stored.forEachRemaining(kv -> view.put(kv.key, kv.value));
    }
    synchronized (memory) {
      for (Map.Entry<String, Entry> e : memory.entrySet()) {
        String k = e.getKey();
        if (e.getValue().changedBy != null
            && (from == null || k.compareTo(from) >= 0)
            && (to == null || k.compareTo(to) <= 0)) {
          view.put(k, AvroMapping.userHistory(e.getValue().value));
        }
      }
    }
    List<KeyValue<String, UserHistory>> list = new ArrayList<>(view.size());
    view.forEach((k, v) -> list.add(KeyValue.pair(k, v)));
    return new KeyValueIterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < list.size();
      }

      @Override
      public KeyValue<String, UserHistory> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return list.get(next++);
      }

      @Override
      public String peekNextKey() {
        return hasNext() ? list.get(next).key : null;
      }

      @Override
      public void close() {
        // nothing held: the view is a copy
      }
    };
  }
}
