package io.pigeonstreams.personalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.HistoryItem;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.UserHistory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryPolicyTest {

  private final HistoryPolicy policy = new HistoryPolicy(3);

  private static Interaction event(String item, Action action, long ts) {
    return Interaction.newBuilder()
        .setUserId("u1")
        .setItemId(item)
        .setAction(action)
        .setTimestamp(Instant.ofEpochMilli(ts))
        .build();
  }

  private UserHistory replay(Interaction... events) {
    UserHistory h = null;
    for (Interaction e : events) {
      h = policy.apply(h, e);
    }
    return h;
  }

  private static List<String> ids(List<HistoryItem> items) {
    return items.stream().map(HistoryItem::getItemId).toList();
  }

  @Test
  void shouldKeepTheMostRecentNItemsMostRecentFirst() {
    UserHistory h =
        replay(
            event("a", Action.VIEW, 1),
            event("b", Action.LIKE, 2),
            event("c", Action.CLICK, 3),
            event("d", Action.SHARE, 4));
    assertThat(ids(h.getPositives())).containsExactly("d", "c", "b");
  }

  @Test
  void shouldMoveARepeatedItemToTheFrontInsteadOfDuplicatingIt() {
    UserHistory h =
        replay(event("a", Action.VIEW, 1), event("b", Action.VIEW, 2), event("a", Action.LIKE, 3));
    assertThat(ids(h.getPositives())).containsExactly("a", "b");
    assertThat(h.getPositives().get(0).getAction()).isEqualTo(Action.LIKE);
  }

  @Test
  void shouldOrderOutOfOrderEventsByTimestamp() {
    UserHistory h = replay(event("late", Action.VIEW, 10), event("early", Action.VIEW, 5));
    assertThat(ids(h.getPositives())).containsExactly("late", "early");
  }

  @Test
  void shouldKeepNegativesApartAndOutOfThePositives() {
    UserHistory h = replay(event("a", Action.LIKE, 1), event("a", Action.DISLIKE, 2));
    assertThat(h.getPositives()).isEmpty();
    assertThat(ids(h.getNegatives())).containsExactly("a");
    // and liking it again takes it out of the negatives
    h = policy.apply(h, event("a", Action.LIKE, 3));
    assertThat(ids(h.getPositives())).containsExactly("a");
    assertThat(h.getNegatives()).isEmpty();
  }

  @Test
  void shouldRecognizeFeedbackOnAGeneratedImage() {
    Interaction feedback = event("img-1", Action.LIKE, 1);
    feedback.setGeneratedImageId("req-1/nearest-history-v1");
    UserHistory h = replay(feedback);
    assertThat(h.getPositives()).isEmpty();
    assertThat(h.getFeedback()).hasSize(1);
    assertThat(h.getFeedback().get(0).getGeneratedImageId()).isEqualTo("req-1/nearest-history-v1");
  }

  @Test
  void shouldIgnoreActionsItDoesNotKnow() {
    UserHistory h = replay(event("a", Action.UNKNOWN, 1));
    assertThat(h.getPositives()).isEmpty();
    assertThat(h.getNegatives()).isEmpty();
  }

  @Test
  void shouldRefuseAnEmptyBound() {
    assertThatThrownBy(() -> new HistoryPolicy(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
