package io.pigeonstreams.cli;

import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentStatus;
import io.pigeonstreams.avro.Variant;
import io.pigeonstreams.bench.experiment.ExperimentResults;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.ModelStore;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.personalize.experiment.ExperimentPlan;
import io.pigeonstreams.personalize.experiment.ExperimentReport;
import io.pigeonstreams.personalize.experiment.Statistics;
import io.pigeonstreams.topology.ExperimentMapping;
import io.pigeonstreams.topology.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description =
        "A/B experiments on the experiments topic: create, stop, list, report. Every running"
            + " engine applies a change at its next micro-batch.",
    subcommands = {
      ExperimentCommand.Create.class,
      ExperimentCommand.Stop.class,
      ExperimentCommand.ListAll.class,
      ExperimentCommand.Report.class
    })
final class ExperimentCommand {

  static class Cluster {
    @Option(names = "--config", description = "Properties file (same keys as the engine's).")
    Path config;

    EngineConfig load() throws Exception {
      return EngineConfig.load(config, System.getenv());
    }
  }

  /** Every experiment's latest definition, by id. */
  static Map<String, Experiment> definitions(EngineConfig c) {
    Topics topics = new Topics(c.asMap());
    Map<String, Experiment> out = new LinkedHashMap<>();
    for (ConsumerRecord<String, Experiment> r :
        CommittedReader.readToEnd(
            c.clientConfig(),
            topics.experiments.name(),
            topics.experiments.valueSerde().deserializer(),
            null)) {
      if (r.value() != null) {
        out.put(r.key(), r.value());
      }
    }
    return out;
  }

  /** The latest definition of experiment {@code id}. */
  static Experiment definition(EngineConfig c, String id) {
    Experiment e = definitions(c).get(id);
    if (e == null) {
      throw new IllegalArgumentException("no experiment '" + id + "'");
    }
    return e;
  }

  static void write(EngineConfig c, Experiment e) throws Exception {
    Topics topics = new Topics(c.asMap());
    Properties p = new Properties();
    p.putAll(c.clientConfig());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, Experiment> producer =
        new KafkaProducer<>(
            p, new StringSerializer(), topics.experiments.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topics.experiments.name(), e.getId(), e)).get();
    }
  }

  /** The definition as the engine applies it; refused (nothing written) when malformed. */
  static ExperimentPlan checked(Experiment e) {
    ExperimentPlan plan = ExperimentMapping.experimentPlan(e);
    List<String> problems = plan.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "experiment '" + e.getId() + "' refused: " + String.join("; ", problems));
    }
    return plan;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Define and start an experiment (refused with the reasons when malformed).")
  static final class Create implements Callable<Integer> {
    @Mixin Cluster cluster;

    @Parameters(index = "0", description = "Experiment id.")
    String id;

    @Option(
        names = "--variant",
        required = true,
        description =
            "NAME:WEIGHT[:alpha_h=X][:alpha_r=X][:candidates=K][:model=VERSION][:generator=G],"
                + " once per variant; the first is the control. VERSION is a model-store version"
                + " (checkpoint@digest), G pigeon, unet or nearest-history. E.g. --variant control:0.5 --variant"
                + " no-mask:0.5:alpha_h=0")
    List<String> variants;

    @Option(names = "--coverage", defaultValue = "1.0", description = "Share of users in it.")
    double coverage;

    @Option(names = "--seed", defaultValue = "", description = "Hash seed (default: the id).")
    String seed;

    @Option(
        names = "--metrics",
        split = ",",
        defaultValue = "like_rate",
        description =
            "The metrics it is judged by (one Holm family; the others are guardrails): like_rate,"
                + " save_rate, share_rate, skip_rate, dislike_rate, latency_ms, rejected_rate,"
                + " cold_start_rate, exposures_per_user (default: ${DEFAULT-VALUE}).")
    List<String> metrics;

    @Override
    public Integer call() throws Exception {
      List<Variant> vs = new ArrayList<>();
      for (String spec : variants) {
        vs.add(variant(spec));
      }
      Experiment e =
          Experiment.newBuilder()
              .setId(id)
              .setStatus(ExperimentStatus.RUNNING)
              .setVariants(vs)
              .setCoverage(coverage)
              .setHashSeed(seed)
              .setHashVersion(2)
              .setMetrics(metrics)
              .setStartAt(Instant.now())
              .build();
      checked(e);
      EngineConfig c = cluster.load();
      for (Variant v : vs) { // a version the engines cannot find is refused here, not at serving
        if (v.getModelVersion() != null) {
          new ModelStore(Path.of(c.get("pigeon.model.store")))
              .locate(v.getModelVersion(), Path.of(c.get("pigeon.model.dir")));
        }
      }
      write(c, e);
      System.out.println("experiment " + id + " running with " + vs.size() + " variants");
      return 0;
    }

    static Variant variant(String spec) {
      return ExperimentMapping.variant(spec);
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop an experiment.")
  static final class Stop implements Callable<Integer> {
    @Mixin Cluster cluster;

    @Parameters(index = "0", description = "Experiment id.")
    String id;

    @Override
    public Integer call() throws Exception {
      EngineConfig c = cluster.load();
      Experiment e = definition(c, id);
      e.setStatus(ExperimentStatus.STOPPED);
      e.setStopAt(Instant.now());
      write(c, e);
      System.out.println("experiment " + id + " stopped");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List experiments.")
  static final class ListAll implements Callable<Integer> {
    @Mixin Cluster cluster;

    @Override
    public Integer call() throws Exception {
      for (Experiment e : definitions(cluster.load()).values()) {
        System.out.printf(
            "%-24s %-8s coverage %.2f  %s%n",
            e.getId(),
            e.getStatus(),
            e.getCoverage(),
            e.getVariants().stream().map(v -> v.getName() + ":" + v.getWeight()).toList());
      }
      return 0;
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = "The experiment's results: per variant and metric, lift, interval, p, SRM.")
  static final class Report implements Callable<Integer> {
    @Mixin Cluster cluster;

    @Parameters(index = "0", description = "Experiment id.")
    String id;

    @Override
    public Integer call() throws Exception {
      EngineConfig c = cluster.load();
      Experiment e = definition(c, id);
      Map<String, Map<String, Statistics.Moments>> moments =
          ExperimentResults.published(c.clientConfig(), new Topics(c.asMap()), id);
      ExperimentReport.Result result = ExperimentReport.of(checked(e), moments);
      System.out.print(result.render());
      return result.sampleRatioMismatch() ? 4 : 0;
    }
  }
}
