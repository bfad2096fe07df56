package io.pigeonstreams.e2e;

import io.pigeonstreams.TestData;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.time.Duration;

/** A catalog of a few real emoji ({@code google/0} …) for tests that need one, loaded and seen. */
public final class TinyCatalog {

  private TinyCatalog() {}

  /** Sends items {@code google/0} to {@code google/(n-1)} and waits until the engine has them. */
  public static void load(PigeonEngine engine, TopicProducer producer, int n) throws Exception {
    Topics topics = engine.topics();
    for (int e = 0; e < n; e++) {
      producer.send(
          topics.items,
          "google/" + e,
          Records.item("google/" + e, TestData.dataset().image(e, 0), "e" + e, "", "google"));
    }
    producer.flush();
    Await.until(
        () -> engine.catalogStore().get("google/" + (n - 1)) != null,
        "catalog",
        Duration.ofSeconds(60));
  }
}
