package io.pigeonstreams.personalize;

import java.util.List;

/**
 * A user's history, as {@link HistoryPolicy} keeps it: positives (what the generator sees), most
 * recent first and bounded to N; negatives (DISLIKE, SKIP: a pair's rejected side can come from
 * them); feedback on generated images.
 */
public record History(
    List<HistoryItem> positives, List<HistoryItem> negatives, List<HistoryItem> feedback) {

  public History {
    positives = List.copyOf(positives);
    negatives = List.copyOf(negatives);
    feedback = List.copyOf(feedback);
  }

  /** A new user's history. */
  public static History empty() {
    return new History(List.of(), List.of(), List.of());
  }

  /** The positives' item ids, most recent first. */
  public List<String> positiveItemIds() {
    return positives.stream().map(HistoryItem::itemId).toList();
  }
}
