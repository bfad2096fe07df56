package io.pigeonstreams.personalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryPolicyTest {

  private final HistoryPolicy policy = new HistoryPolicy(3);

  private static HistoryItem event(String item, Action action, long ts) {
    return new HistoryItem(item, action, Instant.ofEpochMilli(ts), null);
  }

  private History replay(HistoryItem... events) {
    History h = null;
    for (HistoryItem e : events) {
      h = policy.apply(h, e);
    }
    return h;
  }

  private static List<String> ids(List<HistoryItem> items) {
    return items.stream().map(HistoryItem::itemId).toList();
  }

  @Test
  void shouldKeepTheMostRecentNItemsMostRecentFirst() {
    History h =
        replay(
            event("a", Action.VIEW, 1),
            event("b", Action.LIKE, 2),
            event("c", Action.CLICK, 3),
            event("d", Action.SHARE, 4));
    assertThat(ids(h.positives())).containsExactly("d", "c", "b");
  }

  @Test
  void shouldMoveARepeatedItemToTheFrontInsteadOfDuplicatingIt() {
    History h =
        replay(event("a", Action.VIEW, 1), event("b", Action.VIEW, 2), event("a", Action.LIKE, 3));
    assertThat(ids(h.positives())).containsExactly("a", "b");
    assertThat(h.positives().get(0).action()).isEqualTo(Action.LIKE);
  }

  @Test
  void shouldOrderOutOfOrderEventsByTimestamp() {
    History h = replay(event("late", Action.VIEW, 10), event("early", Action.VIEW, 5));
    assertThat(ids(h.positives())).containsExactly("late", "early");
  }

  @Test
  void shouldKeepNegativesApartAndOutOfThePositives() {
    History h = replay(event("a", Action.LIKE, 1), event("a", Action.DISLIKE, 2));
    assertThat(h.positives()).isEmpty();
    assertThat(ids(h.negatives())).containsExactly("a");
    // and liking it again takes it out of the negatives
    h = policy.apply(h, event("a", Action.LIKE, 3));
    assertThat(ids(h.positives())).containsExactly("a");
    assertThat(h.negatives()).isEmpty();
  }

  @Test
  void shouldLetALikedGeneratedImageIntoTheHistoryAndADislikedOneIntoTheNegatives() {
    String image = "req-1/nearest-history-v1";
    // a view is feedback without a label: kept, but the history the generator sees is unchanged
    History h =
        replay(
            event("a", Action.LIKE, 1),
            new HistoryItem(image, Action.VIEW, Instant.ofEpochMilli(2), image));
    assertThat(ids(h.positives())).containsExactly("a");
    assertThat(h.feedback()).hasSize(1);
    assertThat(h.feedback().get(0).generatedImageId()).isEqualTo(image);

    // a like puts the image's catalog item first in the positives
    h = policy.apply(h, new HistoryItem(image, Action.LIKE, Instant.ofEpochMilli(3), image));
    assertThat(ids(h.positives())).containsExactly("generated/" + image, "a");
    assertThat(h.feedback()).hasSize(1);

    // and a later dislike moves it to the negatives
    h = policy.apply(h, new HistoryItem(image, Action.DISLIKE, Instant.ofEpochMilli(4), image));
    assertThat(ids(h.positives())).containsExactly("a");
    assertThat(ids(h.negatives())).containsExactly("generated/" + image);
  }

  @Test
  void shouldIgnoreActionsItDoesNotKnow() {
    History h = replay(event("a", Action.UNKNOWN, 1));
    assertThat(h.positives()).isEmpty();
    assertThat(h.negatives()).isEmpty();
  }

  /**
   * The policy places an item in one pass over the sorted list; this checks it against sorting the
   * whole list each time (what it did before), over random events: repeated items, equal
   * timestamps, late events, feedback, every action.
   */
  @Test
  void shouldGiveWhatSortingTheWholeListGives() {
    java.util.Random random = new java.util.Random(11);
    Action[] actions = Action.values();
    for (int n : new int[] {1, 3, 5}) {
      HistoryPolicy fast = new HistoryPolicy(n);
      java.util.Map<String, History> got = new java.util.HashMap<>();
      java.util.Map<String, History> want = new java.util.HashMap<>();
      long clock = 1_000_000;
      for (int step = 0; step < 5_000; step++) {
        String user = "u" + random.nextInt(4);
        clock += random.nextInt(10) < 7 ? random.nextInt(3) * 1_000 : -random.nextInt(8) * 1_000;
        HistoryItem e =
            new HistoryItem(
                "item" + random.nextInt(12),
                actions[random.nextInt(actions.length)],
                Instant.ofEpochMilli(clock),
                random.nextInt(6) == 0 ? "prompt" + random.nextInt(3) + "/img" : null);
        got.put(user, fast.apply(got.get(user), e));
        want.put(user, sortingApply(n, want.get(user), e));
        assertThat(got.get(user)).as("N=%d, step %d", n, step).isEqualTo(want.get(user));
      }
    }
  }

  /** The policy as it was: remove, append, stable sort by time (most recent first), keep N. */
  private static History sortingApply(int n, History current, HistoryItem event) {
    History h = current == null ? History.empty() : current;
    java.util.function.BiFunction<List<HistoryItem>, HistoryItem, List<HistoryItem>> upsert =
        (list, item) -> {
          List<HistoryItem> out = new java.util.ArrayList<>(without(list, item.itemId()));
          out.add(item);
          out.sort(java.util.Comparator.comparing(HistoryItem::timestamp).reversed());
          return out.subList(0, Math.min(n, out.size()));
        };
    if (event.generatedImageId() != null) {
      List<HistoryItem> feedback = upsert.apply(h.feedback(), event);
      Boolean label = Feedback.label(event.action());
      if (label == null) {
        return new History(h.positives(), h.negatives(), feedback);
      }
      HistoryItem asItem =
          new HistoryItem(
              Feedback.catalogId(event.generatedImageId()),
              event.action(),
              event.timestamp(),
              event.generatedImageId());
      return label
          ? new History(
              upsert.apply(h.positives(), asItem),
              without(h.negatives(), asItem.itemId()),
              feedback)
          : new History(
              without(h.positives(), asItem.itemId()),
              upsert.apply(h.negatives(), asItem),
              feedback);
    } else if (HistoryPolicy.POSITIVE.contains(event.action())) {
      return new History(
          upsert.apply(h.positives(), event), without(h.negatives(), event.itemId()), h.feedback());
    } else if (HistoryPolicy.NEGATIVE.contains(event.action())) {
      return new History(
          without(h.positives(), event.itemId()), upsert.apply(h.negatives(), event), h.feedback());
    }
    return h;
  }

  private static List<HistoryItem> without(List<HistoryItem> list, String itemId) {
    return list.stream().filter(i -> !i.itemId().equals(itemId)).toList();
  }

  @Test
  void shouldRefuseAnEmptyBound() {
    assertThatThrownBy(() -> new HistoryPolicy(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
