package io.pigeonstreams.bench.hostile;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.topology.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Malformed and hostile records for the engine's input topics, each with what the engine must make
 * of it: a dead letter (it cannot be read or applied) or an answer (a request it can read gets
 * exactly one, REJECTED with the reason). Kinds: random bytes, empty values, truncated records,
 * unknown schema fingerprints, Confluent-framed bytes, oversized values, keys that are not the
 * value's user, huge strings, NaN ratios, negative counts, PNG bombs (small files declaring huge
 * images) and non-PNG bytes.
 */
public final class HostileRecords {

  /** What the engine must make of a record. */
  public enum Expect {
    DEAD_LETTER,
    ANSWER,
    /** The broker itself refuses it (a record without a key on a compacted topic). */
    BROKER_REFUSES
  }

  /** One record: key and value as they go on the wire (null: absent). */
  public record Hostile(String topic, String kind, byte[] key, byte[] value, Expect expect) {}

  private final Topics topics;
  private final SplittableRandom rng;
  private final byte[] validPng;
  private final byte[] bomb;

  public HostileRecords(Topics topics, long seed) {
    this.topics = topics;
    this.rng = new SplittableRandom(seed);
    float[] grey = new float[StickerImage.PIXELS];
    Arrays.fill(grey, 0.5f);
    this.validPng = StickerImage.toPng(grey);
    this.bomb = pngDeclaring(60_000, 60_000);
  }

  /** {@code n} hostile records for {@code topic}, cycling through its kinds. */
  public List<Hostile> forTopic(String topic, int n) {
    List<Hostile> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(one(topic, i));
    }
    return out;
  }

  private Hostile one(String topic, int i) {
    String user = "hostile-user-" + (i % 97);
    byte[] key = bytes(user);
    int kind = i % 12;
    switch (kind) {
      case 0:
        return new Hostile(
            topic, "random bytes", key, random(1 + rng.nextInt(300)), Expect.DEAD_LETTER);
      case 1:
        // an empty value: produced as NULL (a tombstone), which only items give a meaning to
        return topic.equals(topics.items.name())
            ? new Hostile(topic, "random bytes", key, random(7), Expect.DEAD_LETTER)
            : new Hostile(topic, "empty value", key, null, Expect.DEAD_LETTER);
      case 2:
        {
          byte[] valid = valid(topic, i, user, false);
          return new Hostile(
              topic,
              "truncated record",
              key,
              Arrays.copyOf(valid, Math.max(11, valid.length / 2)),
              Expect.DEAD_LETTER);
        }
      case 3:
        {
          byte[] v = valid(topic, i, user, false);
          for (int b = 2; b < 10; b++) {
            v[b] = (byte) rng.nextInt(256); // an unknown schema fingerprint
          }
          return new Hostile(topic, "unknown schema fingerprint", key, v, Expect.DEAD_LETTER);
        }
      case 4:
        {
          byte[] v = valid(topic, i, user, false);
          ByteBuffer framed = ByteBuffer.allocate(5 + v.length - 10);
          framed.put((byte) 0).putInt(1 + rng.nextInt(50)).put(v, 10, v.length - 10);
          return new Hostile(
              topic, "Confluent-framed bytes", key, framed.array(), Expect.DEAD_LETTER);
        }
      case 5:
        return new Hostile(
            topic,
            "oversized value",
            key,
            random(400_000 + rng.nextInt(400_000)),
            Expect.DEAD_LETTER);
      case 6:
        return keyMismatch(topic, i, user);
      case 7:
        return hugeStrings(topic, i, user);
      case 8:
        return absurdNumbers(topic, i, user);
      case 9:
        return pngBomb(topic, i, user);
      case 10:
        return notPng(topic, i, user);
      default:
        return new Hostile(
            topic,
            "null key",
            null,
            random(20),
            topic.equals(topics.items.name()) ? Expect.BROKER_REFUSES : Expect.DEAD_LETTER);
    }
  }

  private Hostile keyMismatch(String topic, int i, String user) {
    byte[] other = bytes("someone-else-" + i);
    if (topic.equals(topics.interactions.name())) {
      return new Hostile(
          topic,
          "key is not the value's user",
          other,
          valid(topic, i, user, false),
          Expect.DEAD_LETTER);
    }
    if (topic.equals(topics.requests.name())) {
      GenerationRequest r = request(i, user).build(); // valid but for its key
      return new Hostile(
          topic, "key is not the value's user", other, encode(topics.requests, r), Expect.ANSWER);
    }
    return new Hostile(
        topic,
        "item with an empty id",
        other,
        encode(topics.items, item("", validPng)),
        Expect.DEAD_LETTER);
  }

  private Hostile hugeStrings(String topic, int i, String user) {
    String huge = "x".repeat(200_000);
    if (topic.equals(topics.interactions.name())) {
      Interaction v = interaction(user, huge);
      return new Hostile(
          topic, "huge string", bytes(user), encode(topics.interactions, v), Expect.DEAD_LETTER);
    }
    if (topic.equals(topics.requests.name())) {
      GenerationRequest r = request(i, user).setInstruction(huge).build();
      return new Hostile(
          topic, "huge string", bytes(user), encode(topics.requests, r), Expect.ANSWER);
    }
    Item item = item("hostile/" + i, validPng);
    item.setCaption(huge);
    return new Hostile(
        topic,
        "huge string",
        bytes(item.getItemId()),
        encode(topics.items, item),
        Expect.DEAD_LETTER);
  }

  private Hostile absurdNumbers(String topic, int i, String user) {
    if (topic.equals(topics.interactions.name())) {
      Interaction v = interaction(user, "google/1");
      v.setTimestamp(Instant.ofEpochMilli(-5_000_000L));
      return new Hostile(
          topic,
          "negative timestamp",
          bytes(user),
          encode(topics.interactions, v),
          Expect.DEAD_LETTER);
    }
    if (topic.equals(topics.requests.name())) {
      GenerationRequest r =
          request(i, user).setAlphaH(Double.NaN).setAlphaR(-1e300).setOptions(-7).build();
      return new Hostile(
          topic,
          "NaN ratio, negative count",
          bytes(user),
          encode(topics.requests, r),
          Expect.ANSWER);
    }
    if (i % 24 >= 12) {
      // a claim-check URI that points out of the claim-check folder: refused, nothing read
      String[] escapes = {
        "file:///etc/passwd", "file:claims/../../../etc/shadow", "http://169.254.169.254/latest"
      };
      Item item = item("hostile/uri-" + i, null);
      item.setImageUri(escapes[(i / 24) % escapes.length]);
      return new Hostile(
          topic,
          "image URI outside the claim-check folder",
          bytes(item.getItemId()),
          encode(topics.items, item),
          Expect.DEAD_LETTER);
    }
    Item item = item("hostile/" + i, new byte[0]);
    return new Hostile(
        topic,
        "empty image",
        bytes(item.getItemId()),
        encode(topics.items, item),
        Expect.DEAD_LETTER);
  }

  private Hostile pngBomb(String topic, int i, String user) {
    if (topic.equals(topics.requests.name())) {
      GenerationRequest r =
          request(i, user)
              .setReferenceItemId(null)
              .setReferenceImage(ByteBuffer.wrap(bomb))
              .build();
      return new Hostile(topic, "PNG bomb", bytes(user), encode(topics.requests, r), Expect.ANSWER);
    }
    if (topic.equals(topics.items.name())) {
      Item item = item("hostile/bomb-" + i, bomb);
      return new Hostile(
          topic,
          "PNG bomb",
          bytes(item.getItemId()),
          encode(topics.items, item),
          Expect.DEAD_LETTER);
    }
    return new Hostile(topic, "random bytes", bytes(user), random(64), Expect.DEAD_LETTER);
  }

  private Hostile notPng(String topic, int i, String user) {
    byte[] junk = "GIF89a this is not a picture at all".getBytes(StandardCharsets.US_ASCII);
    if (topic.equals(topics.requests.name())) {
      GenerationRequest r =
          request(i, user)
              .setReferenceItemId(null)
              .setReferenceImage(ByteBuffer.wrap(junk))
              .build();
      return new Hostile(
          topic, "non-PNG bytes", bytes(user), encode(topics.requests, r), Expect.ANSWER);
    }
    if (topic.equals(topics.items.name())) {
      Item item = item("hostile/junk-" + i, junk);
      return new Hostile(
          topic,
          "non-PNG bytes",
          bytes(item.getItemId()),
          encode(topics.items, item),
          Expect.DEAD_LETTER);
    }
    Interaction v = interaction(user, "");
    return new Hostile(
        topic, "empty item id", bytes(user), encode(topics.interactions, v), Expect.DEAD_LETTER);
  }

  private byte[] valid(String topic, int i, String user, boolean unused) {
    if (topic.equals(topics.interactions.name())) {
      return encode(topics.interactions, interaction(user, "google/1"));
    }
    if (topic.equals(topics.requests.name())) {
      return encode(topics.requests, request(i, user).build());
    }
    return encode(topics.items, item("hostile/valid-" + i, validPng));
  }

  private static GenerationRequest.Builder request(int i, String user) {
    return GenerationRequest.newBuilder()
        .setRequestId("hostile-" + i)
        .setUserId(user)
        .setReferenceItemId("google/1")
        .setTimestamp(Instant.now());
  }

  private static Interaction interaction(String user, String item) {
    return Interaction.newBuilder()
        .setUserId(user)
        .setItemId(item)
        .setAction(Action.LIKE)
        .setTimestamp(Instant.now())
        .build();
  }

  private static Item item(String id, byte[] png) {
    return Item.newBuilder()
        .setItemId(id)
        .setImage(png == null ? null : ByteBuffer.wrap(png))
        .setCaption("hostile")
        .setCreatedAt(Instant.now())
        .build();
  }

  private static <V> byte[] encode(io.pigeonstreams.topology.Topic<String, V> topic, V value) {
    return topic.valueSerde().serializer().serialize(topic.name(), value);
  }

  private byte[] random(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) rng.nextInt(256);
    }
    return b;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A 1x1 PNG whose header claims {@code w} x {@code h} (CRC fixed). */
  static byte[] pngDeclaring(int w, int h) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB), "png", out);
      byte[] png = out.toByteArray();
      ByteBuffer b = ByteBuffer.wrap(png);
      b.putInt(16, w);
      b.putInt(20, h);
      CRC32 crc = new CRC32();
      crc.update(png, 12, 17);
      b.putInt(29, (int) crc.getValue());
      return png;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
