package io.pigeonstreams.engine;

import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.ClaimCheck;
import io.pigeonstreams.personalize.HistoryPolicy;
import io.pigeonstreams.personalize.Personalizer;
import io.pigeonstreams.topology.Batching;
import io.pigeonstreams.topology.PigeonTopology;
import io.pigeonstreams.topology.Topics;
import java.nio.file.Path;
import org.apache.kafka.streams.Topology;

/** The configuration turned into the topology's parts: settings, personalizer, history policy. */
final class EngineWiring {

  private EngineWiring() {}

  /** The request pipeline around the configured components, timed by the engine's meters. */
  static Personalizer personalizer(EngineConfig config, EngineComponents c, EngineMetrics metrics) {
    Personalizer personalizer =
        new Personalizer(
            new Personalizer.Settings(
                config.getRatio("pigeon.alpha.h"),
                config.getRatio("pigeon.alpha.r"),
                config.getInt("pigeon.candidates.default"),
                config.getInt("pigeon.candidates.max"),
                config.getInt("pigeon.request.image.max.bytes"),
                config.getInt("pigeon.request.image.max.side"),
                config.get("pigeon.experiment.variant"),
                config.selection("pigeon.candidates.selection")),
            c.tokenizer(),
            c.masker(),
            c.generator(),
            c.scorer(),
            new ClaimCheck(
                config.getInt("pigeon.claimcheck.threshold.bytes"),
                Path.of(config.get("pigeon.claimcheck.dir"))));
    personalizer.onStage(metrics::stage);
    return personalizer;
  }

  /**
   * The topology with micro-batching and meters; catalog items are tokenized by the model serving
   * when they arrive.
   */
  static Topology topology(
      EngineConfig config,
      Personalizer personalizer,
      Topics topics,
      Batching batching,
      EngineMetrics metrics) {
    return PigeonTopology.build(
        topics,
        new HistoryPolicy(config.getInt("pigeon.history.size")),
        personalizer.currentTokenizer(),
        personalizer,
        config.getInt("pigeon.request.image.max.side"),
        batching,
        new PigeonTopology.Retention(
            java.time.Duration.ofMillis(config.getLong("pigeon.feedback.retention.ms")),
            java.time.Duration.ofMillis(config.getLong("pigeon.feedback.expiry.interval.ms"))),
        config.getInt("pigeon.history.cache.users"),
        metrics);
  }
}
