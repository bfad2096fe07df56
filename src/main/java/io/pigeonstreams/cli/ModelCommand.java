package io.pigeonstreams.cli;

import io.pigeonstreams.avro.ModelUpdate;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.ModelStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description =
        "Model versions: publish one to the model store and announce it on model-updates (every"
            + " running engine loads, checks and swaps to it), or roll back to an earlier one.",
    subcommands = {ModelCommand.Publish.class, ModelCommand.Rollback.class})
final class ModelCommand {

  /** The engine configuration: bootstrap servers, serialization, pigeon.model.store. */
  static class ConfigOption {
    @Option(
        names = "--config",
        description = "Properties file (same keys as the engine's; PIGEON_* variables apply).")
    Path config;

    EngineConfig load() throws Exception {
      return EngineConfig.load(config, System.getenv());
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description =
          "Copy a checkpoint (with the tokenizer and taste encoder beside it) into the model"
              + " store, content-addressed, and announce it.")
  static final class Publish implements Callable<Integer> {
    @picocli.CommandLine.Mixin ConfigOption config;

    @Option(
        names = "--from",
        defaultValue = "models/pigeon",
        description = "Folder of the checkpoint (default: ${DEFAULT-VALUE}).")
    Path from;

    @Option(
        names = "--checkpoint",
        required = true,
        description = "Checkpoint name, e.g. pigeon (stage 2) or pigeon-sft.")
    String checkpoint;

    @Option(names = "--parent", description = "The version it was trained from.")
    String parent;

    @Override
    public Integer call() throws Exception {
      EngineConfig c = config.load();
      ModelStore store = new ModelStore(Path.of(c.get("pigeon.model.store")));
      ModelUpdate u = store.add(from, checkpoint, parent, Map.of(), "publish");
      ModelStore.announce(c.get("bootstrap.servers"), c.asMap(), u);
      System.out.printf("announced %s (%s)%n", u.getVersion(), u.getLocation());
      return 0;
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = "Announce a version already in the model store again.")
  static final class Rollback implements Callable<Integer> {
    @picocli.CommandLine.Mixin ConfigOption config;

    @Option(
        names = "--to",
        required = true,
        description = "The version, e.g. pigeon-sft@c0df8351a33e.")
    String version;

    @Override
    public Integer call() throws Exception {
      EngineConfig c = config.load();
      ModelStore store = new ModelStore(Path.of(c.get("pigeon.model.store")));
      ModelUpdate u = store.find(version, null, "rollback");
      ModelStore.announce(c.get("bootstrap.servers"), c.asMap(), u);
      System.out.printf("announced %s again (rollback)%n", u.getVersion());
      return 0;
    }
  }
}
