package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.FeedbackExample;
import io.pigeonstreams.avro.FeedbackSlot;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceScores;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.personalize.Action;
import io.pigeonstreams.personalize.Answer;
import io.pigeonstreams.personalize.CandidatePair;
import io.pigeonstreams.personalize.CatalogItem;
import io.pigeonstreams.personalize.CatalogTokenizer;
import io.pigeonstreams.personalize.Feedback;
import io.pigeonstreams.personalize.History;
import io.pigeonstreams.personalize.HistoryItem;
import io.pigeonstreams.personalize.NewItem;
import io.pigeonstreams.personalize.Request;
import io.pigeonstreams.personalize.Served;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Avro records of the topics and stores to the personalization pipeline's plain records and
 * back: the one place where {@code io.pigeonstreams.avro} meets {@code personalize}. Field for
 * field, so that what the engine publishes is what it published when the pipeline read Avro itself.
 */
public final class AvroMapping {

  // the actions both ways by position, matched by name once (Enum.valueOf per record showed in the
  // history path's profile)
  private static final Action[] ACTIONS =
      java.util.Arrays.stream(io.pigeonstreams.avro.Action.values())
          .map(a -> Action.valueOf(a.name()))
          .toArray(Action[]::new);
  private static final io.pigeonstreams.avro.Action[] AVRO_ACTIONS =
      java.util.Arrays.stream(Action.values())
          .map(a -> io.pigeonstreams.avro.Action.valueOf(a.name()))
          .toArray(io.pigeonstreams.avro.Action[]::new);

  private AvroMapping() {}

  /** The domain's action of a record's. */
  static Action action(io.pigeonstreams.avro.Action a) {
    return ACTIONS[a.ordinal()];
  }

  static Request request(GenerationRequest r) {
    return new Request(
        r.getRequestId(),
        r.getUserId(),
        r.getReferenceItemId(),
        r.getReferenceImage() == null ? null : StickerImage.bytes(r.getReferenceImage()),
        r.getInstruction(),
        r.getAlphaH(),
        r.getAlphaR(),
        r.getCandidates(),
        r.getExperimentVariant(),
        r.getTimestamp(),
        r.getOptions());
  }

  static History history(UserHistory h) {
    return h == null
        ? null
        : new History(items(h.getPositives()), items(h.getNegatives()), items(h.getFeedback()));
  }

  static UserHistory userHistory(History h) {
    return UserHistory.newBuilder()
        .setPositives(avroItems(h.positives()))
        .setNegatives(avroItems(h.negatives()))
        .setFeedback(avroItems(h.feedback()))
        .build();
  }

  /** An interaction as the history item it would add. */
  static HistoryItem historyItem(Interaction i) {
    return new HistoryItem(
        i.getItemId(), action(i.getAction()), i.getTimestamp(), i.getGeneratedImageId());
  }

  public static NewItem newItem(Item item) {
    return new NewItem(
        item.getItemId(),
        item.getImage() == null ? null : StickerImage.bytes(item.getImage()),
        item.getImageUri(),
        item.getCaption(),
        item.getCategory(),
        item.getStyle(),
        item.getCreatedAt());
  }

  static CatalogItem catalogItem(CatalogEntry e) {
    return e == null
        ? null
        : new CatalogItem(
            e.getItemId(),
            e.getCaption(),
            e.getCategory(),
            e.getStyle(),
            StickerImage.bytes(e.getRaster()),
            toArray(e.getTokens()),
            e.getTokenizer(),
            e.getCreatedAt());
  }

  public static CatalogEntry catalogEntry(CatalogItem c) {
    return CatalogEntry.newBuilder()
        .setItemId(c.itemId())
        .setCaption(c.caption())
        .setCategory(c.category())
        .setStyle(c.style())
        .setRaster(ByteBuffer.wrap(c.raster()))
        .setTokens(ints(c.tokens()))
        .setTokenizer(c.tokenizer())
        .setCreatedAt(c.createdAt())
        .build();
  }

  static GeneratedImage generatedImage(Answer a) {
    return GeneratedImage.newBuilder()
        .setRequestId(a.requestId())
        .setUserId(a.userId())
        .setImageId(a.imageId())
        .setModelVersion(a.modelVersion())
        .setExperimentVariant(a.experimentVariant())
        .setExperimentId(a.experimentId())
        .setLatencyMs(a.latencyMs())
        .setTimestamp(a.timestamp())
        .setStatus(Status.valueOf(a.status().name()))
        .setReason(a.reason())
        .setImage(a.image() == null ? null : ByteBuffer.wrap(a.image()))
        .setImageUri(a.imageUri())
        .setHistoryItemIds(a.historyItemIds())
        .setMaskedHistoryItemIds(a.maskedHistoryItemIds())
        .setAlphaH(a.alphaH())
        .setAlphaR(a.alphaR())
        .setScores(a.scores() == null ? null : scores(a.scores()))
        .setAlternativeImageId(a.alternative() == null ? null : a.alternative().imageId())
        .setAlternativeImage(
            a.alternative() == null || a.alternative().image() == null
                ? null
                : ByteBuffer.wrap(a.alternative().image()))
        .setAlternativeImageUri(a.alternative() == null ? null : a.alternative().imageUri())
        .setAlternativeAlphaR(a.alternative() == null ? 0.0 : a.alternative().alphaR())
        .setAlternativeScores(a.alternative() == null ? null : scores(a.alternative().scores()))
        .build();
  }

  static PreferencePair preferencePair(CandidatePair p) {
    return PreferencePair.newBuilder()
        .setPairId(p.pairId())
        .setUserId(p.userId())
        .setRequestId(p.requestId())
        .setHistoryItemIds(p.historyItemIds())
        .setReferenceItemId(p.referenceItemId())
        .setReferenceTokens(ints(p.referenceTokens()))
        .setAlphaH(p.alphaH())
        .setMaskedHistoryItemIds(p.maskedHistoryItemIds())
        .setInstruction(p.instruction())
        .setChosenAlphaR(p.chosenAlphaR())
        .setRejectedAlphaR(p.rejectedAlphaR())
        .setChosenImage(p.chosenImage() == null ? null : ByteBuffer.wrap(p.chosenImage()))
        .setChosenImageUri(p.chosenImageUri())
        .setRejectedImage(p.rejectedImage() == null ? null : ByteBuffer.wrap(p.rejectedImage()))
        .setRejectedImageUri(p.rejectedImageUri())
        .setChosenTokens(ints(p.chosenTokens()))
        .setRejectedTokens(ints(p.rejectedTokens()))
        .setChosenScores(scores(p.chosenScores()))
        .setRejectedScores(scores(p.rejectedScores()))
        .setSource(PreferenceSource.MODEL_SCORE)
        .setModelVersion(p.modelVersion())
        .setTimestamp(p.timestamp())
        .build();
  }

  /**
   * What feedback on an answer's images needs: the chosen image's and, for a request for two
   * options, the one shown beside it, each naming the other as its sibling.
   */
  static List<ServedImage> servedImages(Answer a, Served s) {
    ServedImage chosen = servedImage(a, s);
    Answer.Option o = a.alternative();
    if (o == null) {
      return List.of(chosen);
    }
    ServedImage other =
        ServedImage.newBuilder(chosen)
            .setImageId(o.imageId())
            .setAlphaR(o.alphaR())
            .setTokens(ints(o.tokens()))
            .setImage(o.image() == null ? null : ByteBuffer.wrap(o.image()))
            .setImageUri(o.imageUri())
            .setScores(o.scores() == null ? null : scores(o.scores()))
            .setSiblingImageId(a.imageId())
            .build();
    chosen.setSiblingImageId(o.imageId());
    return List.of(chosen, other);
  }

  /** What feedback on an answer's image needs: the answer and its prompt, image and tokens. */
  static ServedImage servedImage(Answer a, Served s) {
    return ServedImage.newBuilder()
        .setImageId(a.imageId())
        .setUserId(a.userId())
        .setRequestId(a.requestId())
        .setModelVersion(a.modelVersion())
        .setExperimentVariant(a.experimentVariant())
        .setExperimentId(a.experimentId())
        .setHistoryItemIds(a.historyItemIds())
        .setMaskedHistoryItemIds(a.maskedHistoryItemIds())
        .setAlphaH(a.alphaH())
        .setAlphaR(a.alphaR())
        .setReferenceItemId(s.referenceItemId())
        .setReferenceTokens(ints(s.referenceTokens()))
        .setInstruction(s.instruction())
        .setTokens(ints(s.tokens()))
        .setTokenizer(s.tokenizer())
        .setImage(a.image() == null ? null : ByteBuffer.wrap(a.image()))
        .setImageUri(a.imageUri())
        .setScores(a.scores() == null ? null : scores(a.scores()))
        .setCreatedAt(a.timestamp())
        .build();
  }

  /** A reaction to a served image as a labelled example (KTO-style). */
  static FeedbackExample feedbackExample(ServedImage s, Interaction reaction, boolean label) {
    return FeedbackExample.newBuilder()
        .setExampleId(s.getImageId() + "/" + reaction.getAction() + "@" + reaction.getTimestamp())
        .setUserId(s.getUserId())
        .setRequestId(s.getRequestId())
        .setImageId(s.getImageId())
        .setLabel(label)
        .setAction(reaction.getAction())
        .setHistoryItemIds(s.getHistoryItemIds())
        .setMaskedHistoryItemIds(s.getMaskedHistoryItemIds())
        .setAlphaH(s.getAlphaH())
        .setAlphaR(s.getAlphaR())
        .setReferenceItemId(s.getReferenceItemId())
        .setReferenceTokens(s.getReferenceTokens())
        .setInstruction(s.getInstruction())
        .setTokens(s.getTokens())
        .setImage(s.getImage())
        .setImageUri(s.getImageUri())
        .setModelVersion(s.getModelVersion())
        .setTimestamp(reaction.getTimestamp())
        .build();
  }

  /**
   * A pair from two reactions of one user to two images of one prompt: the liked image chosen, the
   * other rejected; the prompt (history, mask, reference, instruction) is the chosen image's.
   */
  static PreferencePair feedbackPair(ServedImage chosen, ServedImage rejected, Instant at) {
    PreferenceScores none = new PreferenceScores(0.0, 0.0);
    return PreferencePair.newBuilder()
        .setPairId(chosen.getImageId() + ">" + rejected.getImageId())
        .setUserId(chosen.getUserId())
        .setRequestId(chosen.getRequestId())
        .setHistoryItemIds(chosen.getHistoryItemIds())
        .setReferenceItemId(chosen.getReferenceItemId())
        .setReferenceTokens(chosen.getReferenceTokens())
        .setAlphaH(chosen.getAlphaH())
        .setMaskedHistoryItemIds(chosen.getMaskedHistoryItemIds())
        .setInstruction(chosen.getInstruction())
        .setChosenAlphaR(chosen.getAlphaR())
        .setRejectedAlphaR(rejected.getAlphaR())
        .setChosenImage(chosen.getImage())
        .setChosenImageUri(chosen.getImageUri())
        .setRejectedImage(rejected.getImage())
        .setRejectedImageUri(rejected.getImageUri())
        .setChosenTokens(chosen.getTokens())
        .setRejectedTokens(rejected.getTokens())
        .setChosenScores(chosen.getScores() == null ? none : chosen.getScores())
        .setRejectedScores(rejected.getScores() == null ? none : rejected.getScores())
        .setSource(PreferenceSource.USER_FEEDBACK)
        .setModelVersion(chosen.getModelVersion())
        .setTimestamp(at)
        .build();
  }

  /**
   * A liked image as a catalog item, so that it can stand in the user's history.
   *
   * @throws IOException when the image is not inline (claim-checked) or not a readable PNG
   */
  static CatalogEntry generatedEntry(ServedImage s, int maxSide) throws IOException {
    if (s.getImage() == null) {
      throw new IOException("image " + s.getImageId() + " is not inline");
    }
    float[] image = StickerImage.fromPng(StickerImage.bytes(s.getImage()), maxSide);
    return CatalogEntry.newBuilder()
        .setItemId(Feedback.catalogId(s.getImageId()))
        .setCaption(s.getInstruction())
        .setCategory("")
        .setStyle("generated")
        .setRaster(ByteBuffer.wrap(StickerImage.toRaw(image)))
        .setTokens(s.getTokens())
        .setTokenizer(s.getTokenizer())
        .setCreatedAt(s.getCreatedAt())
        .build();
  }

  static Feedback.Slot slot(FeedbackSlot s) {
    return s == null ? Feedback.Slot.EMPTY : new Feedback.Slot(s.getPositives(), s.getNegatives());
  }

  static FeedbackSlot feedbackSlot(Feedback.Slot s) {
    return new FeedbackSlot(new ArrayList<>(s.positives()), new ArrayList<>(s.negatives()));
  }

  private static PreferenceScores scores(PreferenceScorer.Scores s) {
    return new PreferenceScores(s.personalization(), s.semanticAlignment());
  }

  private static List<HistoryItem> items(List<io.pigeonstreams.avro.HistoryItem> items) {
    List<HistoryItem> out = new ArrayList<>(items.size());
    for (io.pigeonstreams.avro.HistoryItem i : items) {
      out.add(
          new HistoryItem(
              i.getItemId(), action(i.getAction()), i.getTimestamp(), i.getGeneratedImageId()));
    }
    return out;
  }

  private static List<io.pigeonstreams.avro.HistoryItem> avroItems(List<HistoryItem> items) {
    List<io.pigeonstreams.avro.HistoryItem> out = new ArrayList<>(items.size());
    for (HistoryItem i : items) {
      out.add(
          io.pigeonstreams.avro.HistoryItem.newBuilder()
              .setItemId(i.itemId())
              .setAction(AVRO_ACTIONS[i.action().ordinal()])
              .setTimestamp(i.timestamp())
              .setGeneratedImageId(i.generatedImageId())
              .build());
    }
    return out;
  }

  private static List<Integer> ints(int[] values) {
    List<Integer> out = new ArrayList<>(values.length);
    for (int v : values) {
      out.add(v);
    }
    return out;
  }

  static int[] toArray(List<Integer> values) {
    int[] out = new int[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /**
   * An arriving item tokenized into its catalog entry.
   *
   * @throws UncheckedIOException why it cannot enter the catalog: to {@code items-dlq}, with the
   *     reason, through the processing exception handler
   */
  static CatalogEntry tokenizedItem(
      io.pigeonstreams.avro.Item item,
      VisualTokenizer tokenizer,
      int maxImageSide,
      io.pigeonstreams.personalize.ClaimCheck claims) {
    try {
      return AvroMapping.catalogEntry(
          CatalogTokenizer.entry(AvroMapping.newItem(item), tokenizer, maxImageSide, claims));
    } catch (IOException e) {
      throw new UncheckedIOException("item " + item.getItemId() + ": " + e.getMessage(), e);
    }
  }
}
