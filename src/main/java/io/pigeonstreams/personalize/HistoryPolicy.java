package io.pigeonstreams.personalize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How one interaction changes a user's history: positives are bounded to N, de-duplicated (a
 * repeated item moves to the front) and most recent first; DISLIKE and SKIP go to the negatives
 * (and take the item out of the positives); interactions with a generated image are feedback: kept
 * in the feedback list, and a positive one (LIKE, SAVE, SHARE) also enters the positives as the
 * image's catalog item ({@link Feedback#catalogId}), a negative one the negatives; actions this
 * version does not know are ignored.
 */
public final class HistoryPolicy {

  static final Set<Action> POSITIVE =
      Set.of(Action.VIEW, Action.CLICK, Action.LIKE, Action.SHARE, Action.SAVE);
  static final Set<Action> NEGATIVE = Set.of(Action.DISLIKE, Action.SKIP);

  private final int maxItems;

  /**
   * @param maxItems N, the history length (the paper uses 5)
   */
  public HistoryPolicy(int maxItems) {
    if (maxItems < 1) {
      throw new IllegalArgumentException("history size must be >= 1, got " + maxItems);
    }
    this.maxItems = maxItems;
  }

  public int maxItems() {
    return maxItems;
  }

  /**
   * The history after {@code event}, the interaction as the item it would add; {@code current} may
   * be null (a new user).
   */
  public History apply(History current, HistoryItem event) {
    History h = current == null ? History.empty() : current;
    if (event.generatedImageId() != null) {
      List<HistoryItem> feedback = upsert(h.feedback(), event);
      Boolean label = Feedback.label(event.action());
      if (label == null) {
        return new History(h.positives(), h.negatives(), feedback);
      }
      // a liked sticker is a preference signal: it enters the history as its catalog item
      HistoryItem asItem =
          new HistoryItem(
              Feedback.catalogId(event.generatedImageId()),
              event.action(),
              event.timestamp(),
              event.generatedImageId());
      return label
          ? new History(
              upsert(h.positives(), asItem), without(h.negatives(), asItem.itemId()), feedback)
          : new History(
              without(h.positives(), asItem.itemId()), upsert(h.negatives(), asItem), feedback);
    } else if (POSITIVE.contains(event.action())) {
      return new History(
          upsert(h.positives(), event), without(h.negatives(), event.itemId()), h.feedback());
    } else if (NEGATIVE.contains(event.action())) {
      return new History(
          without(h.positives(), event.itemId()), upsert(h.negatives(), event), h.feedback());
    }
    return h;
  }

  /** Inserts by timestamp (most recent first), replacing an older entry of the same item. */
  private List<HistoryItem> upsert(List<HistoryItem> list, HistoryItem item) {
    List<HistoryItem> out = without(list, item.itemId());
    out.add(item);
    out.sort(Comparator.comparing(HistoryItem::timestamp).reversed());
    return new ArrayList<>(out.subList(0, Math.min(maxItems, out.size())));
  }

  private static List<HistoryItem> without(List<HistoryItem> list, String itemId) {
    List<HistoryItem> out = new ArrayList<>(list.size() + 1);
    for (HistoryItem i : list) {
      if (!i.itemId().equals(itemId)) {
        out.add(i);
      }
    }
    return out;
  }
}
