package io.pigeonstreams.topology;

import io.pigeonstreams.avro.FeedbackSlot;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.Feedback;
import io.pigeonstreams.personalize.HistoryPolicy;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * interactions with a generated image (feedback) → joined with {@value PigeonTopology#SERVED_STORE}
 * (what was published, by image id) → the user's history ({@link HistoryPolicy}), a labelled
 * example for every positive or negative reaction, a catalog entry for a liked image (so that it
 * can stand in the history), and a USER_FEEDBACK preference pair when the reaction meets an
 * opposite one on another image of the same prompt ({@link Feedback#match}), or at once when the
 * user picks one of two options shown side by side (the other is rejected).
 *
 * <p>Feedback on an image this instance does not hold (unknown, or expired after {@code retention})
 * or that was served to another user is not dropped: it goes to the dead-letter topic with the
 * reason, and the {@code pigeon.feedback} meter counts it. A wall-clock punctuation deletes images
 * older than {@code retention} and the waiting reactions that pointed to them.
 */
final class FeedbackProcessor implements Processor<String, Interaction, String, SpecificRecord> {

  private final HistoryPolicy policy;
  private final PigeonTopology.Retention retention;
  private final int maxImageSide;
  private final EngineMetrics metrics;
  private ProcessorContext<String, SpecificRecord> context;
  private HistoryStore history;
  private KeyValueStore<String, ServedImage> served;
  private KeyValueStore<String, String> userImages;
  private KeyValueStore<String, FeedbackSlot> slots;
  private Cancellable timer;

  FeedbackProcessor(
      HistoryPolicy policy,
      PigeonTopology.Retention retention,
      int maxImageSide,
      EngineMetrics metrics) {
    this.policy = policy;
    this.retention = retention;
    this.maxImageSide = maxImageSide;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    history = context.getStateStore(PigeonTopology.HISTORY_STORE);
    served = context.getStateStore(PigeonTopology.SERVED_STORE);
    userImages = context.getStateStore(PigeonTopology.USER_IMAGES_STORE);
    slots = context.getStateStore(PigeonTopology.SLOTS_STORE);
    timer =
        context.schedule(
            retention.checkEvery(),
            PunctuationType.WALL_CLOCK_TIME,
            now -> expire(now - retention.keep().toMillis()));
  }

  @Override
  public void process(Record<String, Interaction> record) {
    Interaction event = record.value();
    String userId = InputChecks.interactionUser(record.key(), event);
    String imageId = event.getGeneratedImageId();
    if (userId == null || userId.isBlank()) {
      throw new IllegalArgumentException("feedback without user id");
    }
    ServedImage image = served.get(imageId);
    if (image == null) {
      metrics.feedback("unknown_image");
      // to interactions-dlq through the processing exception handler, with this reason
      throw new IllegalArgumentException(
          "feedback on generated image '"
              + imageId
              + "': unknown or expired (images are kept for feedback "
              + retention.keep()
              + ")");
    }
    if (!image.getUserId().equals(userId)) {
      metrics.feedback("other_user");
      throw new IllegalArgumentException(
          "feedback from user '"
              + userId
              + "' on generated image '"
              + imageId
              + "', which was served to another user");
    }
    history.put(userId, policy.apply(history.history(userId), AvroMapping.historyItem(event)));
    Boolean label = Feedback.label(AvroMapping.action(event.getAction()));
    if (label == null) {
      metrics.feedback("neutral");
      return;
    }
    boolean newlyLiked = label && !isPositive(image.getReaction());
    image.setReaction(event.getAction());
    served.put(imageId, image);
    long ts = record.timestamp();
    if (newlyLiked) {
      try {
        var entry = AvroMapping.generatedEntry(image, maxImageSide);
        context.forward(new Record<>(entry.getItemId(), entry, ts));
      } catch (IOException e) {
        // the reaction still counts; the image just cannot stand in the history
      }
    }
    context.forward(new Record<>(userId, AvroMapping.feedbackExample(image, event, label), ts));
    if (image.getExperimentId() != null) {
      context.forward(
          new Record<>(
              userId,
              ExperimentMapping.reactionOutcome(image, event.getAction(), Instant.ofEpochMilli(ts)),
              ts));
    }

    // a pick between two options shown side by side: the pair is made directly
    ServedImage sibling =
        image.getSiblingImageId() == null ? null : served.get(image.getSiblingImageId());
    if (label && sibling != null) {
      image.setSiblingImageId(null);
      sibling.setSiblingImageId(null);
      served.put(imageId, image);
      served.put(sibling.getImageId(), sibling);
      context.forward(
          new Record<>(
              userId, AvroMapping.feedbackPair(image, sibling, Instant.ofEpochMilli(ts)), ts));
      metrics.feedback("picked");
      return;
    }

    String key =
        Feedback.promptKey(
            userId, image.getReferenceItemId(), AvroMapping.toArray(image.getReferenceTokens()));
    Feedback.Match match =
        Feedback.match(
            AvroMapping.slot(slots.get(key)), imageId, label, id -> served.get(id) != null);
    if (match.slot().isEmpty()) {
      slots.delete(key);
    } else {
      slots.put(key, AvroMapping.feedbackSlot(match.slot()));
    }
    if (match.partner() == null) {
      metrics.feedback("waiting");
      return;
    }
    ServedImage partner = served.get(match.partner());
    ServedImage chosen = label ? image : partner;
    ServedImage rejected = label ? partner : image;
    context.forward(
        new Record<>(
            userId, AvroMapping.feedbackPair(chosen, rejected, Instant.ofEpochMilli(ts)), ts));
    metrics.feedback("paired");
  }

  private static boolean isPositive(io.pigeonstreams.avro.Action a) {
    return a != null && Boolean.TRUE.equals(Feedback.label(AvroMapping.action(a)));
  }

  /** Deletes images created before {@code cutoff} and the waiting reactions to them. */
  private void expire(long cutoff) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, ServedImage> it = served.all()) {
      while (it.hasNext()) {
        KeyValue<String, ServedImage> kv = it.next();
        if (kv.value.getCreatedAt().toEpochMilli() < cutoff) {
          old.add(kv.key);
          userImages.delete(ServedImages.indexKey(kv.value));
        }
      }
    }
    old.forEach(served::delete);
    if (old.isEmpty()) {
      return;
    }
    List<KeyValue<String, FeedbackSlot>> changed = new ArrayList<>();
    try (KeyValueIterator<String, FeedbackSlot> it = slots.all()) {
      while (it.hasNext()) {
        KeyValue<String, FeedbackSlot> kv = it.next();
        List<String> positives = new ArrayList<>(kv.value.getPositives());
        List<String> negatives = new ArrayList<>(kv.value.getNegatives());
        if (positives.removeAll(old) | negatives.removeAll(old)) {
          changed.add(KeyValue.pair(kv.key, new FeedbackSlot(positives, negatives)));
        }
      }
    }
    for (KeyValue<String, FeedbackSlot> kv : changed) {
      if (kv.value.getPositives().isEmpty() && kv.value.getNegatives().isEmpty()) {
        slots.delete(kv.key);
      } else {
        slots.put(kv.key, kv.value);
      }
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.cancel();
    }
  }
}
