package io.pigeonstreams.model;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Remembers an encoder's output per image content (the first 128 bits of the SHA-256 of its
 * pixels), least recently used out first. For images that come back request after request: a user's
 * history and catalog references. Thread-safe.
 */
public final class EmbeddingCache {

  private record Key(long high, long low) {}

  private final Map<Key, float[]> entries;

  public EmbeddingCache(int capacity) {
    entries =
        Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
                return size() > capacity;
              }
            });
  }

  /** Each image's output: cached ones looked up, the rest computed in one call and cached. */
  public List<float[]> get(List<float[]> images, Function<List<float[]>, List<float[]>> encoder) {
    List<float[]> out = new ArrayList<>(Collections.nCopies(images.size(), null));
    List<Key> keys = new ArrayList<>();
    List<float[]> missing = new ArrayList<>();
    List<Integer> missingAt = new ArrayList<>();
    Map<Key, Integer> firstMissing = new java.util.HashMap<>();
    for (int i = 0; i < images.size(); i++) {
      Key key = key(images.get(i));
      keys.add(key);
      float[] hit = entries.get(key);
      if (hit != null) {
        out.set(i, hit);
      } else if (!firstMissing.containsKey(key)) {
        firstMissing.put(key, missing.size());
        missing.add(images.get(i));
        missingAt.add(i);
      }
    }
    if (!missing.isEmpty()) {
      List<float[]> computed = encoder.apply(missing);
      for (int j = 0; j < computed.size(); j++) {
        entries.put(keys.get(missingAt.get(j)), computed.get(j));
      }
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i) == null) {
          out.set(i, computed.get(firstMissing.get(keys.get(i))));
        }
      }
    }
    return out;
  }

  public int size() {
    return entries.size();
  }

  private static Key key(float[] pixels) {
    ByteBuffer bytes = ByteBuffer.allocate(pixels.length * Float.BYTES);
    bytes.asFloatBuffer().put(pixels);
    try {
      ByteBuffer d = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
      return new Key(d.getLong(), d.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
