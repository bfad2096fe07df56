package io.pigeonstreams.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each {@code bench chaos} scenario, briefly: engines in JVMs of their own (the real Pigeon model)
 * on an in-process KRaft cluster under a steady load, and the fault done to them; every request the
 * broker acknowledged must have exactly one committed answer. The long runs are the command's
 * (README, "Reliability").
 */
@Tag("integration")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ChaosScenariosTest {

  @TempDir Path out;

  private final StringWriter console = new StringWriter();

  private List<ChaosResult> run(
      String scenario,
      int instances,
      int brokers,
      double rate,
      int seconds,
      int kills,
      int stateRecords,
      Map<String, String> engineSettings)
      throws Exception {
    ChaosSettings settings =
        new ChaosSettings(
            scenario,
            out,
            "pigeon",
            instances,
            brokers,
            6,
            12,
            rate,
            Duration.ofSeconds(seconds),
            kills,
            stateRecords,
            7,
            engineSettings);
    try {
      List<ChaosResult> results =
          new ChaosScenarios(settings, TestData.dataset(), new PrintWriter(console, true)).run();
      results.forEach(r -> System.out.println("[ChaosScenariosTest] " + r.summary()));
      return results;
    } catch (Exception | Error e) {
      System.out.println(console);
      throw e;
    }
  }

  @Test
  void shouldAnswerEveryRequestExactlyOnceAcrossKillsAndARollingRestart() throws Exception {
    ChaosResult r = run("instances", 2, 3, 2, 50, 2, 0, Map.of()).get(0);

    assertThat(r.sent()).isGreaterThan(50);
    assertThat(r.duplicates()).as("requests answered twice").isZero();
    assertThat(r.missing()).as("requests never answered").isZero();
    assertThat(r.answeredOnce()).isEqualTo(r.sent());
    // two kills, each restarted, and a rolling restart of both: 2 + 2 + 2 JVMs
    assertThat(r.extra()).containsEntry("engine JVMs started", "6");
    assertThat(r.worstWaitSeconds()).hasSize(4).noneMatch(w -> w.isNaN());
  }

  @Test
  void shouldKeepAnsweringWhileABrokerIsDownWithoutRestartingTheEngine() throws Exception {
    ChaosResult r = run("brokers", 1, 3, 2, 40, 0, 0, Map.of()).get(0);

    assertThat(r.exactlyOnce()).as(r.summary()).isTrue();
    assertThat(r.extra())
        .containsEntry("engine restarts", "0")
        .containsEntry("engines alive at the end", "1 of 1");
    assertThat(r.worstWaitSeconds()).hasSize(2).noneMatch(w -> w.isNaN());
  }

  @Test
  void shouldFailOverToTheSurvivorWithAndWithoutStandbys() throws Exception {
    List<ChaosResult> rounds = run("standby", 2, 1, 2, 20, 0, 20_000, Map.of());

    assertThat(rounds).hasSize(2);
    assertThat(rounds.get(0).extra()).containsEntry("num.standby.replicas", "0");
    assertThat(rounds.get(1).extra()).containsEntry("num.standby.replicas", "1");
    for (ChaosResult r : rounds) {
      assertThat(r.exactlyOnce()).as(r.summary()).isTrue();
      // requests in flight at the kill or sent after it were answered (by the survivor)
      assertThat(r.worstWaitSeconds()).hasSize(1).noneMatch(w -> w.isNaN());
    }
  }

  @Test
  void shouldAnswerEverythingOfferedAtTwiceTheCapacityOnceTheLoadStops() throws Exception {
    ChaosResult r = run("overload", 1, 1, 1, 30, 0, 0, Map.of()).get(0);

    assertThat(r.exactlyOnce()).as(r.summary()).isTrue();
    double capacity = figure(r, "capacity flooded");
    double offered = figure(r, "offered from");
    assertThat(capacity).isPositive();
    // both figures are printed to 0.1: twice a rounded capacity can be 0.1 off, the offer 0.05
    assertThat(offered).isGreaterThanOrEqualTo(2 * capacity - 0.15);
    // offered twice what it answers, a backlog built up: requests waited longer and longer, and
    // it took time to answer the rest once the load stopped
    assertThat(r.latencyP99Seconds()).isGreaterThan(1.3 * r.latencyP50Seconds());
    assertThat(figure(r, "backlog answered after the load stopped")).isGreaterThan(1);
  }

  /** The number in the extra figure whose name starts with {@code prefix}. */
  private static double figure(ChaosResult r, String prefix) {
    return r.extra().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(e -> Double.parseDouble(e.getValue().split(" ")[0]))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " in " + r.extra()));
  }
}
