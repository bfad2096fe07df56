package io.pigeonstreams.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pigeonstreams.avro.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chaos count, on a made-up ledger: what is a duplicate, what is missing, what a wait is. */
class ChaosResultTest {

  private static final long S = 1_000_000_000L;

  private final Map<String, Long> sent = new LinkedHashMap<>();
  private final Map<String, Integer> copies = new HashMap<>();
  private final List<AnswerLedger.Arrival> read = new ArrayList<>();

  private void request(String id, double sentAt, double... answeredAt) {
    sent.put(id, (long) (sentAt * S));
    for (double t : answeredAt) {
      copies.merge(id, 1, Integer::sum);
      read.add(new AnswerLedger.Arrival(id, 0, (long) (t * S), Status.OK));
    }
  }

  private ChaosResult result(double... faults) {
    List<Long> f = new ArrayList<>();
    for (double t : faults) {
      f.add((long) (t * S));
    }
    read.sort((a, b) -> Long.compare(a.readNanos(), b.readNanos()));
    return ChaosResult.of("test", "made up", sent, 0, copies, read, 0, f, Map.of());
  }

  @Test
  void shouldCountDuplicatesAndMissingAndIgnoreAnswersToRequestsNotSent() {
    request("a", 1, 1.5);
    request("b", 2, 2.5, 9); // answered twice
    request("c", 3); // never answered
    copies.put("earlier-run", 1);
    read.add(new AnswerLedger.Arrival("earlier-run", 0, 4 * S, Status.OK));

    ChaosResult r = result();

    assertThat(r.sent()).isEqualTo(3);
    assertThat(r.answeredOnce()).isEqualTo(1);
    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.missing()).isEqualTo(1);
    assertThat(r.exactlyOnce()).isFalse();
    assertThat(r.statuses()).containsEntry(Status.OK, 2);
  }

  @Test
  void shouldMeasureTheLongestTimeWithoutAnAnswerFromTheFirstCopies() {
    request("a", 0, 1);
    request("b", 1, 2);
    request("c", 2, 9); // 7 s after the previous answer
    request("d", 9, 10);

    ChaosResult r = result();

    assertThat(r.exactlyOnce()).isTrue();
    assertThat(r.maxGapSeconds()).isCloseTo(7, within(1e-9));
    assertThat(r.latencyP50Seconds()).isCloseTo(1, within(1e-9));
  }

  @Test
  void shouldTakeTheWorstWaitAroundEachFaultUntilTheNextOne() {
    request("before-window", 1, 2); // sent 19 s before the first fault: not its business
    request("in-flight", 12, 30); // sent 8 s before the fault at 20, waited 18 s
    request("after", 21, 25);
    request("second", 41, 47); // after the fault at 40: the second fault's
    request("late", 200, 201); // beyond 60 s after the second fault: no one's

    ChaosResult r = result(20, 40);

    assertThat(r.worstWaitSeconds()).hasSize(2);
    assertThat(r.worstWaitSeconds().get(0)).isCloseTo(18, within(1e-9));
    assertThat(r.worstWaitSeconds().get(1)).isCloseTo(6, within(1e-9));
  }
}
