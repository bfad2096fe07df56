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

  /**
   * Inserts by timestamp (most recent first, after the entries of the same time), replacing an
   * older entry of the same item, and keeps the first N. The lists this policy builds are sorted
   * already, so the item is placed by one pass; a list that is not sorted is sorted as a whole.
   */
  private List<HistoryItem> upsert(List<HistoryItem> list, HistoryItem item) {
    List<HistoryItem> out = new ArrayList<>(list.size() + 1);
    boolean sorted = true;
    int at = -1;
    for (HistoryItem i : list) {
      if (same(i.itemId(), item.itemId())) {
        continue;
      }
      if (!out.isEmpty() && out.get(out.size() - 1).timestamp().isBefore(i.timestamp())) {
        sorted = false;
      }
      if (at < 0 && i.timestamp().isBefore(item.timestamp())) {
        at = out.size();
      }
      out.add(i);
    }
    if (sorted) {
      out.add(at < 0 ? out.size() : at, item);
    } else {
      out.add(item);
      out.sort(Comparator.comparing(HistoryItem::timestamp).reversed());
    }
    return out.size() > maxItems ? out.subList(0, maxItems) : out;
  }

  /**
   * Whether two item ids are equal, comparing the hashes the strings keep first: a kept history's
   * strings are scattered over the heap, and most comparisons are of different ids.
   */
  private static boolean same(String a, String b) {
    return a == b || (a.hashCode() == b.hashCode() && a.equals(b));
  }

  /** The list without the item: the same list when it does not hold it. */
  private static List<HistoryItem> without(List<HistoryItem> list, String itemId) {
    for (int k = 0; k < list.size(); k++) {
      if (same(list.get(k).itemId(), itemId)) {
        List<HistoryItem> out = new ArrayList<>(list.size() - 1);
        for (HistoryItem i : list) {
          if (!same(i.itemId(), itemId)) {
            out.add(i);
          }
        }
        return out;
      }
    }
    return list;
  }
}
