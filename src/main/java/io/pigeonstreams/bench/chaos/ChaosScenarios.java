package io.pigeonstreams.bench.chaos;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.topology.Topic;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code bench chaos}: the faults production sees, under a steady open-loop load, each ending in
 * the same count: every acknowledged request answered exactly once.
 *
 * <ul>
 *   <li>{@code instances}: engine JVMs SIGKILLed at random times and restarted at once, then a
 *       rolling restart (SIGTERM, start, ready, next);
 *   <li>{@code brokers}: the broker leading most request partitions stopped during the load and
 *       started again; the engines are not restarted;
 *   <li>{@code standby}: an instance SIGKILLed for good, its tasks failing over to the survivor,
 *       once with {@code num.standby.replicas=0} and once with 1, on long changelogs;
 *   <li>{@code overload}: one engine offered twice what it answers, for the duration; memory and
 *       latency sampled, then the time until the backlog is answered.
 * </ul>
 */
public final class ChaosScenarios {

  private final ChaosSettings settings;
  private final StickerDataset dataset;
  private final PrintWriter console;

  public ChaosScenarios(ChaosSettings settings, StickerDataset dataset, PrintWriter console) {
    this.settings = settings;
    this.dataset = dataset;
    this.console = console;
  }

  /** Runs the scenario, writes {@code OUT/chaos-SCENARIO.md} and returns its result(s). */
  public List<ChaosResult> run() throws Exception {
    Files.createDirectories(settings.out());
    List<ChaosResult> results = new ArrayList<>();
    switch (settings.scenario()) {
      case "instances" -> results.add(instances());
      case "brokers" -> results.add(brokers());
      case "standby" -> {
        results.add(standby(0));
        results.add(standby(1));
      }
      case "overload" -> results.add(new OverloadScenario(settings, dataset, console).run());
      default -> throw new IllegalArgumentException(settings.scenario());
    }
    StringBuilder md = new StringBuilder();
    for (ChaosResult r : results) {
      console.println(r.summary());
      md.append(r.markdown()).append('\n');
    }
    console.flush();
    Files.writeString(
        settings.out().resolve("chaos-" + settings.scenario() + ".md"), md, StandardCharsets.UTF_8);
    return results;
  }

  private ChaosResult instances() throws Exception {
    try (ChaosHarness h = new ChaosHarness(settings, "run", settings.brokers(), dataset, console)) {
      return h.guarded(
          () -> {
            List<EngineProcess> engines = h.startEngines(settings.instances(), Map.of());
            Random random = new Random(settings.seed());
            double total = settings.duration().toMillis() / 1000.0;
            List<Double> killAt = new ArrayList<>();
            // one kill at a random time in each of equal slots over 8..63 % of the run
            double slot = total * 0.55 / Math.max(1, settings.kills());
            for (int k = 0; k < settings.kills(); k++) {
              killAt.add(total * 0.08 + slot * (k + 0.15 + 0.7 * random.nextDouble()));
            }
            OpenLoopLoad load = h.load("r");
            long start = System.nanoTime();
            load.start(settings.rate());
            List<Long> faults = new ArrayList<>();
            for (double at : killAt) {
              sleepUntil(start, at);
              List<EngineProcess> alive = engines.stream().filter(EngineProcess::alive).toList();
              EngineProcess victim = alive.get(random.nextInt(alive.size()));
              victim.kill();
              faults.add(System.nanoTime());
              h.log("SIGKILL %s; restarting it", victim.name());
              victim.start();
            }
            sleepUntil(start, total * 0.68);
            for (EngineProcess e : engines) {
              e.awaitReady(ChaosHarness.READY);
              e.stop(Duration.ofSeconds(30));
              faults.add(System.nanoTime());
              h.log("rolling restart: %s stopped (SIGTERM)", e.name());
              e.start();
              e.awaitReady(ChaosHarness.READY);
              h.log("rolling restart: %s ready", e.name());
            }
            sleepUntil(start, total);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put(
                "engine JVMs started",
                Integer.toString(engines.stream().mapToInt(EngineProcess::starts).sum()));
            return h.finish(
                load,
                start,
                faults,
                String.format(
                    "%d engine JVMs on %d brokers (replication %d, min.insync.replicas %d), %s"
                        + " requests/s for %d s; %d SIGKILLs of random instances at random times"
                        + " (each restarted at once), then a rolling restart (SIGTERM, start,"
                        + " ready, next).",
                    settings.instances(),
                    settings.brokers(),
                    Math.min(3, settings.brokers()),
                    settings.brokers() >= 3 ? 2 : 1,
                    fmt(settings.rate()),
                    (long) total,
                    settings.kills()),
                extra);
          });
    }
  }

  private ChaosResult brokers() throws Exception {
    if (settings.brokers() < 3) {
      throw new IllegalArgumentException("the brokers scenario needs 3 brokers");
    }
    try (ChaosHarness h = new ChaosHarness(settings, "run", settings.brokers(), dataset, console)) {
      return h.guarded(
          () -> {
            List<EngineProcess> engines = h.startEngines(settings.instances(), Map.of());
            double total = settings.duration().toMillis() / 1000.0;
            OpenLoopLoad load = h.load("r");
            long start = System.nanoTime();
            load.start(settings.rate());
            List<Long> faults = new ArrayList<>();
            sleepUntil(start, total * 0.25);
            int leader = h.leaderOfRequests();
            faults.add(System.nanoTime());
            h.kafka.stopBroker(leader);
            h.log("broker %d (leader of request partitions) stopped", leader);
            sleepUntil(start, total * 0.6);
            faults.add(System.nanoTime());
            h.kafka.startBroker(leader);
            h.log("broker %d started again", leader);
            sleepUntil(start, total);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("broker stopped", Integer.toString(leader));
            extra.put(
                "engine restarts",
                Integer.toString(
                    engines.stream().mapToInt(EngineProcess::starts).sum() - engines.size()));
            extra.put(
                "engines alive at the end",
                engines.stream().filter(EngineProcess::alive).count() + " of " + engines.size());
            return h.finish(
                load,
                start,
                faults,
                String.format(
                    "%d engine JVMs on 3 brokers (replication 3, min.insync.replicas 2), %s"
                        + " requests/s for %d s; at 25%% the broker leading most request"
                        + " partitions is stopped, at 60%% started again; the engines are left"
                        + " alone.",
                    settings.instances(), fmt(settings.rate()), (long) total),
                extra);
          });
    }
  }

  private ChaosResult standby(int standbys) throws Exception {
    try (ChaosHarness h =
        new ChaosHarness(settings, "standbys-" + standbys, settings.brokers(), dataset, console)) {
      return h.guarded(
          () -> {
            List<EngineProcess> engines =
                h.startEngines(2, Map.of("num.standby.replicas", Integer.toString(standbys)));
            long t = System.nanoTime();
            growState(h);
            h.log(
                "%d interactions committed in %.1f s",
                settings.stateRecords(), (System.nanoTime() - t) / 1e9);
            Thread.sleep(10_000); // standbys catch up with the changelogs
            double total = settings.duration().toMillis() / 1000.0;
            OpenLoopLoad load = h.load("r");
            long start = System.nanoTime();
            load.start(settings.rate());
            sleepUntil(start, total * 0.3);
            EngineProcess victim = engines.get(1);
            victim.kill();
            long killed = System.nanoTime();
            h.log("SIGKILL %s, not restarted (num.standby.replicas=%d)", victim.name(), standbys);
            sleepUntil(start, total);
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("num.standby.replicas", Integer.toString(standbys));
            extra.put("interactions in the changelogs", Integer.toString(settings.stateRecords()));
            return h.finish(
                load,
                start,
                List.of(killed),
                String.format(
                    "2 engine JVMs (num.standby.replicas=%d); %d likes of %d users in the"
                        + " history store first; then %s requests/s for %d s; at 30%% one"
                        + " instance is SIGKILLed for good and its tasks fail over to the other."
                        + " The worst wait is the fail-over as the users see it.",
                    standbys,
                    settings.stateRecords(),
                    Math.max(1, settings.stateRecords() / 3),
                    fmt(settings.rate()),
                    (long) total),
                extra);
          });
    }
  }

  // --- steps ---------------------------------------------------------------------------------

  /** Likes of many users, for stores (and changelogs) that take time to restore. */
  private void growState(ChaosHarness h) throws Exception {
    List<String> items = new ArrayList<>();
    for (int e = 0; e < 6; e++) {
      for (int s = 0; s < dataset.styleCount() - 1; s++) {
        items.add(io.pigeonstreams.workload.StickerCatalog.itemId(dataset, e, s));
      }
    }
    try (TopicProducer producer = TopicProducer.connect(h.kafka.bootstrapServers(), 20)) {
      for (int i = 0; i < settings.stateRecords(); i++) {
        // three likes each for many users: one store entry (and changelog record) per user, as
        // a large user base has; the load's own users are not among them
        String user = "bulk-user-" + (i % Math.max(1, settings.stateRecords() / 3));
        producer.send(
            h.topics.interactions,
            user,
            Records.interaction(user, items.get(i % items.size()), Action.LIKE, 1000L + i));
      }
      producer.flush();
    }
    List<Topic<String, ?>> inputs = List.of(h.topics.interactions);
    h.awaitCaughtUp(inputs, Duration.ofMinutes(5));
  }

  /** Answers per second to the load's requests, read between {@code from} and {@code to} s. */
  /**
   * Requests per second one engine answers in steady state: a backlog of {@code burst} requests,
   * and the rate its answers arrive at between the 20th and the 80th percentile of their arrival
   * (the first batches and the last, partly filled ones left out).
   */
  private static void sleepUntil(long startNanos, double seconds) throws InterruptedException {
    long wait = startNanos + (long) (seconds * 1e9) - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
  }

  private static String fmt(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : String.format("%.1f", rate);
  }
}
