package io.pigeonstreams.cli;

import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.HealthServer;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.engine.web.Gallery;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the engine against an existing Kafka cluster until stopped (SIGTERM/Ctrl-C closes it"
          + " cleanly).",
      "Configuration: the defaults of pigeon-streams.properties, then --config FILE, then"
          + " PIGEON_* environment variables."
    })
final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", description = "Properties file (same keys as the defaults).")
  Path config;

  @Override
  public Integer call() throws Exception {
    EngineConfig engineConfig = EngineConfig.load(config, System.getenv());
    Gallery gallery = Gallery.startIfEnabled(engineConfig);
    if (gallery != null) {
      engineConfig = gallery.advertiseIn(engineConfig);
    }
    PigeonEngine engine = new PigeonEngine(engineConfig, EngineComponents.of(engineConfig));
    Thread hook =
        new Thread(
            () -> {
              if (gallery != null) {
                gallery.close();
              }
              engine.close();
            },
            "pigeon-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (gallery != null) {
      gallery.attach(engine);
    }
    engine.start();
    try (HealthServer health =
        new HealthServer(
            engineConfig.get("pigeon.health.host"),
            engineConfig.getInt("pigeon.health.port"),
            engine::isReady,
            engine::scrape)) {
      System.out.printf(
          "pigeon-streams %s running; readiness on http://localhost:%d/health/ready,"
              + " Prometheus metrics on http://localhost:%d/metrics%n",
          engine.modelVersion(), health.port(), health.port());
      if (gallery != null) {
        System.out.printf("gallery and API on %s%n", gallery.url());
      }
      engine.awaitTermination();
    }
    return 0;
  }
}
