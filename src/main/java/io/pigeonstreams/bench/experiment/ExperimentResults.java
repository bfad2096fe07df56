package io.pigeonstreams.bench.experiment;

import io.pigeonstreams.avro.Exposure;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.MetricMoments;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.personalize.Action;
import io.pigeonstreams.personalize.Feedback;
import io.pigeonstreams.personalize.experiment.ExperimentMetrics;
import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import io.pigeonstreams.topology.ExperimentMapping;
import io.pigeonstreams.topology.Topics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * An experiment's moments per variant and metric, two ways: as the engine published them on {@code
 * experiment-results} (what {@code experiment report} reads), and recomputed from the raw topics —
 * every exposure on {@code exposures} and every labelled reaction on {@code interactions} to an
 * image one of them names — without the stream's aggregation. The two agree when the engine counted
 * every outcome once.
 */
public final class ExperimentResults {

  private ExperimentResults() {}

  /** The latest cumulative record per variant and metric on {@code experiment-results}. */
  public static Map<String, Map<String, Moments>> published(
      String bootstrap, Topics topics, String experimentId) {
    return published(io.pigeonstreams.kafka.ClientConfig.of(bootstrap), topics, experimentId);
  }

  /** {@link #published(String, Topics, String)} with client settings (security included). */
  public static Map<String, Map<String, Moments>> published(
      Map<String, Object> client, Topics topics, String experimentId) {
    Map<String, Map<String, Moments>> out = new HashMap<>();
    for (ConsumerRecord<String, MetricMoments> r :
        CommittedReader.readToEnd(
            client,
            topics.experimentResults.name(),
            topics.experimentResults.valueSerde().deserializer(),
            null)) {
      MetricMoments m = r.value();
      if (m != null && m.getWindowStart() == null && m.getExperimentId().equals(experimentId)) {
        out.computeIfAbsent(m.getVariant(), k -> new HashMap<>())
            .put(m.getMetric(), ExperimentMapping.moments(m));
      }
    }
    return out;
  }

  /** Per variant, per user: the sums per outcome, from the raw exposures and interactions. */
  public static Map<String, Map<String, Map<String, Double>>> userTotals(
      String bootstrap, Topics topics, String experimentId) {
    Map<String, Map<String, Map<String, Double>>> users = new LinkedHashMap<>();
    Map<String, Exposure> byImage = new HashMap<>();
    for (ConsumerRecord<String, Exposure> r :
        CommittedReader.readToEnd(
            bootstrap,
            topics.exposures.name(),
            topics.exposures.valueSerde().deserializer(),
            null)) {
      Exposure e = r.value();
      if (e == null || !e.getExperimentId().equals(experimentId)) {
        continue;
      }
      Map<String, Double> t =
          users
              .computeIfAbsent(e.getVariant(), k -> new LinkedHashMap<>())
              .computeIfAbsent(e.getUserId(), k -> new HashMap<>());
      t.merge(ExperimentMetrics.EXPOSURES, 1.0, Double::sum);
      t.merge("latency_ms", (double) e.getLatencyMs(), Double::sum);
      t.merge("rejected", e.getStatus().name().equals("REJECTED") ? 1.0 : 0.0, Double::sum);
      t.merge("cold_start", e.getStatus().name().equals("COLD_START") ? 1.0 : 0.0, Double::sum);
      if (e.getImageId() != null && !e.getImageId().isEmpty()) {
        byImage.put(e.getImageId(), e);
      }
    }
    for (ConsumerRecord<String, Interaction> r :
        CommittedReader.readToEnd(
            bootstrap,
            topics.interactions.name(),
            topics.interactions.valueSerde().deserializer(),
            null)) {
      Interaction i = r.value();
      Exposure e = i == null ? null : byImage.get(i.getGeneratedImageId());
      if (e == null || !e.getUserId().equals(i.getUserId())) {
        continue;
      }
      Action action = Action.valueOf(i.getAction().name());
      if (Feedback.label(action) != null) {
        users
            .get(e.getVariant())
            .get(e.getUserId())
            .merge(action.name().toLowerCase(Locale.ROOT), 1.0, Double::sum);
      }
    }
    return users;
  }

  /** {@link #userTotals} turned into every metric's moments per variant. */
  public static Map<String, Map<String, Moments>> recomputed(
      String bootstrap, Topics topics, String experimentId) {
    Map<String, Map<String, Moments>> out = new HashMap<>();
    userTotals(bootstrap, topics, experimentId)
        .forEach((variant, users) -> out.put(variant, ExperimentMetrics.moments(users.values())));
    return out;
  }
}
