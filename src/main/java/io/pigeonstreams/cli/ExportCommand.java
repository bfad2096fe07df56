package io.pigeonstreams.cli;

import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.loop.PairExport;
import io.pigeonstreams.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export the preference pairs on the cluster as JSONL with the images as PNG files: trl"
            + " (prompt/chosen/rejected) or pickapic (caption, image_0/1, label_0/1).")
final class ExportCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "What to export: pairs.")
  String what;

  @Option(names = "--format", defaultValue = "trl", description = "trl or pickapic.")
  String format;

  @Option(names = "--out", required = true, description = "Output folder.")
  Path out;

  @Option(names = "--config", description = "Properties file (same keys as the engine's).")
  Path config;

  @Option(names = "--since", description = "Only pairs written at or after this ISO-8601 time.")
  Instant since;

  @Override
  public Integer call() throws Exception {
    if (!"pairs".equals(what)) {
      throw new IllegalArgumentException("export knows pairs, got '" + what + "'");
    }
    PairExport.Format f = PairExport.Format.parse(format);
    EngineConfig c = EngineConfig.load(config, System.getenv());
    Topics topics = new Topics(c.asMap());
    List<PreferencePair> pairs =
        CommittedReader.readToEnd(
                c.clientConfig(),
                topics.pairs.name(),
                topics.pairs.valueSerde().deserializer(),
                since)
            .stream()
            .map(r -> r.value())
            .filter(v -> v != null)
            .toList();
    Files.createDirectories(out);
    PairExport.Report r = PairExport.write(pairs, f, out);
    System.out.printf(
        "wrote %d pairs to %s (%d skipped: images not inline)%n",
        r.written(), out.resolve("pairs.jsonl"), r.skipped());
    return 0;
  }
}
