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

  @Test
  void shouldRefuseAnEmptyBound() {
    assertThatThrownBy(() -> new HistoryPolicy(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
