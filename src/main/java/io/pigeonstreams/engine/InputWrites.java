package io.pigeonstreams.engine;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.topology.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes from outside go through Kafka, never around it: a generation request, a reaction or a
 * catalog item posted to the gallery or given to {@code produce} is checked (a {@link Refused} with
 * the reason otherwise) and produced as the same Avro record any other producer would send, keyed
 * as the engine expects, and acknowledged by the broker before the caller is told.
 */
public final class InputWrites implements AutoCloseable {

  /** Bad input, answered 400 with its reason. */
  public static final class Refused extends Exception {
    public Refused(String reason) {
      super(reason);
    }
  }

  /** A generation request as the gallery takes it (JSON). */
  public record RequestBody(
      String userId,
      String referenceItemId,
      String referenceImage,
      String instruction,
      Double alphaH,
      Double alphaR,
      Integer candidates,
      Integer options) {}

  /** A reaction to a generated image (JSON). */
  public record ReactionBody(String userId, String imageId, String action) {}

  static final int MAX_ID = 200;

  private final Topics topics;
  private final KafkaProducer<String, byte[]> producer;
  private final int maxImageBytes;
  private final int maxImageSide;
  private final int maxCandidates;

  public InputWrites(EngineConfig config, Topics topics) {
    this.topics = topics;
    this.maxImageBytes = config.getInt("pigeon.request.image.max.bytes");
    this.maxImageSide = config.getInt("pigeon.request.image.max.side");
    this.maxCandidates = config.getInt("pigeon.candidates.max");
    Properties p = new Properties();
    p.putAll(config.clientConfig());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "pigeon-gallery-" + UUID.randomUUID());
    producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Checks and produces a generation request; returns its id. */
  public String request(RequestBody b, Predicate<String> inCatalog) throws Refused {
    if (b == null) {
      throw new Refused("a JSON body is required");
    }
    String user = id("userId", b.userId());
    boolean hasItem = b.referenceItemId() != null && !b.referenceItemId().isBlank();
    boolean hasImage = b.referenceImage() != null && !b.referenceImage().isBlank();
    if (hasItem == hasImage) {
      throw new Refused("give exactly one reference: referenceItemId or referenceImage");
    }
    GenerationRequest.Builder r =
        GenerationRequest.newBuilder()
            .setRequestId("web-" + UUID.randomUUID())
            .setUserId(user)
            .setInstruction(b.instruction() == null ? "" : limit("instruction", b.instruction()))
            .setAlphaH(ratio("alphaH", b.alphaH()))
            .setAlphaR(ratio("alphaR", b.alphaR()))
            .setTimestamp(Instant.now());
    if (hasItem) {
      String item = id("referenceItemId", b.referenceItemId());
      if (!inCatalog.test(item)) {
        throw new Refused("referenceItemId '" + item + "' is not in the catalog");
      }
      r.setReferenceItemId(item);
    } else {
      r.setReferenceImage(ByteBuffer.wrap(png(b.referenceImage())));
    }
    if (b.candidates() != null) {
      if (b.candidates() < 0 || b.candidates() > maxCandidates) {
        throw new Refused(
            "candidates must be in [0, " + maxCandidates + "], got " + b.candidates());
      }
      r.setCandidates(b.candidates());
    }
    if (b.options() != null) {
      if (b.options() != 1 && b.options() != 2) {
        throw new Refused("options must be 1 or 2, got " + b.options());
      }
      r.setOptions(b.options());
    }
    GenerationRequest request = r.build();
    send(topics.requests, user, request);
    return request.getRequestId();
  }

  /** Checks and produces a reaction to a generated image. */
  public void reaction(ReactionBody b) throws Refused {
    if (b == null) {
      throw new Refused("a JSON body is required");
    }
    String user = id("userId", b.userId());
    String image = id("imageId", b.imageId());
    Action action;
    try {
      action = Action.valueOf(String.valueOf(b.action()).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Refused(
          "action must be one of LIKE, SAVE, SHARE, DISLIKE, SKIP, VIEW, CLICK; got '"
              + b.action()
              + "'");
    }
    if (action == Action.UNKNOWN) {
      throw new Refused("action UNKNOWN is not a reaction");
    }
    send(
        topics.interactions,
        user,
        Interaction.newBuilder()
            .setUserId(user)
            .setItemId(image)
            .setGeneratedImageId(image)
            .setAction(action)
            .setTimestamp(Instant.now())
            .build());
  }

  /**
   * Checks and produces a catalog item from a PNG: its id ({@code style/name}), caption, category
   * and style; the image is checked as uploads are (size, header, decodable).
   */
  public void item(String itemId, byte[] png, String caption, String category, String style)
      throws Refused {
    String id = id("itemId", itemId);
    if (png.length > maxImageBytes) {
      throw new Refused("item " + id + ": the image is larger than " + maxImageBytes + " bytes");
    }
    try {
      StickerImage.fromPng(png, maxImageSide);
    } catch (IOException e) {
      throw new Refused("item " + id + ": " + e.getMessage());
    }
    send(
        topics.items,
        id,
        io.pigeonstreams.avro.Item.newBuilder()
            .setItemId(id)
            .setImage(ByteBuffer.wrap(png))
            .setCaption(caption == null ? "" : limit("caption", caption))
            .setCategory(category == null ? "" : limit("category", category))
            .setStyle(style == null ? "" : limit("style", style))
            .setCreatedAt(Instant.now())
            .build());
  }

  private <V> void send(Topic<String, V> topic, String key, V value) throws Refused {
    byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
    try {
      producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the broker did not take the record: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String id(String field, String value) throws Refused {
    if (value == null || value.isBlank()) {
      throw new Refused(field + " is required");
    }
    return limit(field, value.strip());
  }

  private static String limit(String field, String value) throws Refused {
    if (value.length() > MAX_ID) {
      throw new Refused(field + " is longer than " + MAX_ID + " characters");
    }
    return value;
  }

  private static Double ratio(String field, Double v) throws Refused {
    if (v != null && !(v >= 0 && v <= 1)) {
      throw new Refused(field + " must be in [0, 1], got " + v);
    }
    return v;
  }

  /** The uploaded PNG's bytes, checked: base64, size, and a decodable image of bounded size. */
  private byte[] png(String base64) throws Refused {
    String data = base64.startsWith("data:") ? base64.substring(base64.indexOf(',') + 1) : base64;
    if (data.length() > (maxImageBytes / 3 + 1) * 4 + 4) {
      throw new Refused("referenceImage is larger than " + maxImageBytes + " bytes");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data.strip());
    } catch (IllegalArgumentException e) {
      throw new Refused("referenceImage is not base64: " + e.getMessage());
    }
    if (bytes.length > maxImageBytes) {
      throw new Refused("referenceImage is larger than " + maxImageBytes + " bytes");
    }
    try {
      StickerImage.fromPng(bytes, maxImageSide);
    } catch (IOException e) {
      throw new Refused("referenceImage: " + e.getMessage());
    }
    return bytes;
  }

  @Override
  public void close() {
    producer.close();
  }
}
