package io.pigeonstreams.topology;

import io.pigeonstreams.avro.ServedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The images served to a user, newest first: the {@code user-images} store indexes {@code
 * served-images} (keyed by image id) by user and time, with keys {@code user␀(max − createdAt)␀
 * imageId}, so that a prefix scan of a user's keys lists their images newest first. Both stores
 * live in the user's task (its partition), are written and expired together, and are restored from
 * their changelogs together.
 */
public final class ServedImages {

  private static final char SEP = '\u0000';

  private ServedImages() {}

  /** The index key of {@code s}. */
  public static String indexKey(ServedImage s) {
    return prefix(s.getUserId())
        + String.format("%019d", Long.MAX_VALUE - s.getCreatedAt().toEpochMilli())
        + SEP
        + s.getImageId();
  }

  private static String prefix(String userId) {
    return userId + SEP;
  }

  /** Up to {@code limit} images of {@code userId}, newest first. */
  public static List<ServedImage> newest(
      ReadOnlyKeyValueStore<String, String> index,
      ReadOnlyKeyValueStore<String, ServedImage> served,
      String userId,
      int limit) {
    List<ServedImage> out = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        index.prefixScan(prefix(userId), new StringSerializer())) {
      while (it.hasNext() && out.size() < limit) {
        KeyValue<String, String> kv = it.next();
        ServedImage s = served.get(kv.value);
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
