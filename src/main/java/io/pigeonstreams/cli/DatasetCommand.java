package io.pigeonstreams.cli;

import io.pigeonstreams.data.DatasetBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "dataset",
    description = "The sticker benchmark's dataset.",
    subcommands = {DatasetCommand.Build.class})
final class DatasetCommand {

  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description =
          "Rebuild data/ from the pinned npm tarballs (fetched with `npm pack`), deterministically.")
  static final class Build implements Callable<Integer> {
    @Option(
        names = "--out",
        defaultValue = "data",
        description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
        names = "--npm-cache",
        defaultValue = "${sys:user.home}/.cache/pigeon-streams/npm",
        description = "Where the tarballs are kept (default: ${DEFAULT-VALUE}).")
    Path npmCache;

    @Override
    public Integer call() throws Exception {
      DatasetBuilder.Result result = new DatasetBuilder(npmCache, out, true).build();
      System.out.printf("%d emoji x 5 styles written to %s%n", result.emojiCount(), out);
      for (Map.Entry<String, String> e : result.sha256ByFile().entrySet()) {
        System.out.printf("  %s  %s%n", e.getValue(), e.getKey());
      }
      return 0;
    }
  }
}
