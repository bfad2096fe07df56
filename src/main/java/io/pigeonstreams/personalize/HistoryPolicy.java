package io.pigeonstreams.personalize;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.HistoryItem;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.UserHistory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How one interaction changes a user's history: positives are bounded to N, de-duplicated (a
 * repeated item moves to the front) and most recent first; DISLIKE and SKIP go to the negatives
 * (and take the item out of the positives); interactions with a generated image are feedback and
 * never enter the history the generator sees; actions this version does not know are ignored.
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

  public static UserHistory empty() {
    return UserHistory.newBuilder()
        .setPositives(new ArrayList<>())
        .setNegatives(new ArrayList<>())
        .setFeedback(new ArrayList<>())
        .build();
  }

  /** The history after {@code event}; {@code current} may be null (a new user). Not modified. */
  public UserHistory apply(UserHistory current, Interaction event) {
    UserHistory h = current == null ? empty() : UserHistory.newBuilder(current).build();
    HistoryItem item =
        HistoryItem.newBuilder()
            .setItemId(event.getItemId())
            .setAction(event.getAction())
            .setTimestamp(event.getTimestamp())
            .setGeneratedImageId(event.getGeneratedImageId())
            .build();
    if (event.getGeneratedImageId() != null) {
      h.setFeedback(upsert(h.getFeedback(), item));
    } else if (POSITIVE.contains(event.getAction())) {
      h.setPositives(upsert(h.getPositives(), item));
      h.setNegatives(without(h.getNegatives(), item.getItemId()));
    } else if (NEGATIVE.contains(event.getAction())) {
      h.setNegatives(upsert(h.getNegatives(), item));
      h.setPositives(without(h.getPositives(), item.getItemId()));
    }
    return h;
  }

  /** Inserts by timestamp (most recent first), replacing an older entry of the same item. */
  private List<HistoryItem> upsert(List<HistoryItem> list, HistoryItem item) {
    List<HistoryItem> out = without(list, item.getItemId());
    out.add(item);
    out.sort(Comparator.comparing((HistoryItem i) -> i.getTimestamp()).reversed());
    return new ArrayList<>(out.subList(0, Math.min(maxItems, out.size())));
  }

  private static List<HistoryItem> without(List<HistoryItem> list, String itemId) {
    List<HistoryItem> out = new ArrayList<>(list.size() + 1);
    for (HistoryItem i : list) {
      if (!i.getItemId().equals(itemId)) {
        out.add(i);
      }
    }
    return out;
  }
}
