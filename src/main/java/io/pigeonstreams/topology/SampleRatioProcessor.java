package io.pigeonstreams.topology;

import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentUsers;
import io.pigeonstreams.metrics.EngineMetrics;
import io.pigeonstreams.personalize.experiment.ExperimentPlan;
import io.pigeonstreams.personalize.experiment.ExperimentReport;
import io.pigeonstreams.personalize.experiment.Statistics;
import java.util.List;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Each change of an experiment's users per variant: the sample-ratio check against the weights of
 * its definition (the global table), published as the engine's {@code pigeon_experiment_srm}
 * gauges. Forwards nothing.
 */
final class SampleRatioProcessor implements FixedKeyProcessor<String, ExperimentUsers, Void> {

  private final EngineMetrics metrics;
  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<Experiment>> experiments;

  SampleRatioProcessor(EngineMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Void> context) {
    experiments = context.getStateStore(PigeonTopology.EXPERIMENTS_STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, ExperimentUsers> record) {
    ExperimentUsers u = record.value();
    ValueAndTimestamp<Experiment> e = u == null ? null : experiments.get(record.key());
    if (e == null || e.value() == null) {
      return;
    }
    ExperimentPlan plan = ExperimentMapping.experimentPlan(e.value());
    List<ExperimentPlan.Variant> variants = plan.variants();
    long[] counts = new long[variants.size()];
    double[] weights = new double[variants.size()];
    long total = 0;
    for (int i = 0; i < variants.size(); i++) {
      counts[i] = u.getUsers().getOrDefault(variants.get(i).name(), 0L);
      weights[i] = variants.get(i).weight();
      total += counts[i];
    }
    if (total == 0 || plan.variants().size() < 2) {
      return;
    }
    double p = Statistics.sampleRatioP(counts, weights);
    metrics.experimentSampleRatio(plan.id(), p, p < ExperimentReport.SRM_THRESHOLD);
  }
}
