package io.pigeonstreams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package layout's rules (README, "Code layout"; DESIGN.md): dependencies point one way, from
 * the commands down to the networks, and the quality benchmark's judges stay apart from the
 * production scorer. A new dependency that breaks a rule fails here, naming the classes.
 */
@AnalyzeClasses(
    packages = "io.pigeonstreams",
    importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

  private static final String[] INFRASTRUCTURE = {
    "io.pigeonstreams.avro..",
    "io.pigeonstreams.kafka..",
    "io.pigeonstreams.serde..",
    "io.pigeonstreams.image..",
    "io.pigeonstreams.metrics.."
  };

  /**
   * cli → loop (retraining) → bench → engine → workload → topology → personalize → generate →
   * model, with eval and train over generate, model and data. Each layer names who may use it.
   */
  @ArchTest
  static final ArchRule layersPointOneWay =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("cli")
          .definedBy("io.pigeonstreams.cli..")
          .layer("bench")
          .definedBy("io.pigeonstreams.bench..")
          .layer("loop")
          .definedBy("io.pigeonstreams.loop..")
          .layer("engine")
          .definedBy("io.pigeonstreams.engine..")
          .layer("workload")
          .definedBy("io.pigeonstreams.workload..")
          .layer("topology")
          .definedBy("io.pigeonstreams.topology..")
          .layer("personalize")
          .definedBy("io.pigeonstreams.personalize..")
          .layer("eval")
          .definedBy("io.pigeonstreams.eval..")
          .layer("train")
          .definedBy("io.pigeonstreams.train..")
          .layer("generate")
          .definedBy("io.pigeonstreams.generate..")
          .layer("model")
          .definedBy("io.pigeonstreams.model..")
          .layer("data")
          .definedBy("io.pigeonstreams.data..")
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("bench")
          .mayOnlyBeAccessedByLayers("cli")
          .whereLayer("loop")
          .mayOnlyBeAccessedByLayers("cli")
          .whereLayer("engine")
          .mayOnlyBeAccessedByLayers("cli", "bench", "loop")
          .whereLayer("workload")
          .mayOnlyBeAccessedByLayers("cli", "bench")
          .whereLayer("topology")
          .mayOnlyBeAccessedByLayers("cli", "bench", "engine", "workload", "loop")
          .whereLayer("personalize")
          .mayOnlyBeAccessedByLayers("cli", "bench", "engine", "topology")
          .whereLayer("eval")
          .mayOnlyBeAccessedByLayers("cli", "loop")
          .whereLayer("train")
          .mayOnlyBeAccessedByLayers("cli", "eval", "loop")
          .whereLayer("generate")
          .mayOnlyBeAccessedByLayers(
              "cli", "bench", "engine", "workload", "topology", "personalize", "eval", "train")
          .whereLayer("model")
          .mayOnlyBeAccessedByLayers("cli", "bench", "engine", "generate", "eval", "train")
          .whereLayer("data")
          .mayOnlyBeAccessedByLayers("cli", "bench", "workload", "eval", "train", "loop");

  /** Avro classes, Kafka helpers, serdes, images and meters serve every layer and use none. */
  @ArchTest
  static final ArchRule infrastructureUsesNoLayer =
      noClasses()
          .that()
          .resideInAnyPackage(INFRASTRUCTURE)
          .should()
          .dependOnClassesThat()
          .resideOutsideOfPackages(
              "io.pigeonstreams.avro..",
              "io.pigeonstreams.kafka..",
              "io.pigeonstreams.serde..",
              "io.pigeonstreams.image..",
              "io.pigeonstreams.metrics..",
              "java..",
              "javax..",
              "org..",
              "com..",
              "kafka..", // the broker's own classes (the in-process cluster stops and starts them)
              "io.micrometer..");

  /** The judges measure the scorer's choices, so they share no code with it. */
  @ArchTest
  static final ArchRule judgesShareNoCodeWithTheScorer =
      noClasses()
          .that()
          .resideInAPackage("io.pigeonstreams.eval.judge..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.pigeonstreams.generate..", "io.pigeonstreams.model..");

  /** The topology and the pipeline see the model only through the generate interfaces. */
  @ArchTest
  static final ArchRule noTensorsInTheStreamingPath =
      noClasses()
          .that()
          .resideInAnyPackage("io.pigeonstreams.topology..", "io.pigeonstreams.personalize..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("ai.djl..");

  /**
   * The request pipeline has no Kafka and no Avro in it: it runs, and is tested, without a broker;
   * {@code topology.AvroMapping} is the one place records meet it.
   */
  @ArchTest
  static final ArchRule pipelineWithoutKafkaOrAvro =
      noClasses()
          .that()
          .resideInAPackage("io.pigeonstreams.personalize..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.kafka..", "org.apache.avro..", "io.pigeonstreams.avro..");
}
