package io.pigeonstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.InputWrites;
import io.pigeonstreams.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code produce request|reaction|items}: records for the engine's input topics from arguments or
 * files, checked as the gallery checks them and written as the same Avro records; for people trying
 * {@code run} against their own cluster. Each bad record is reported with its reason and the rest
 * go on; the exit code is 1 when any was refused.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Write generation requests, reactions or catalog items to the engine's topics.",
    subcommands = {
      ProduceCommand.Request.class,
      ProduceCommand.Reaction.class,
      ProduceCommand.Items.class
    })
final class ProduceCommand {

  static final ObjectMapper JSON = new ObjectMapper();

  /** The config and the writer, shared by the subcommands. */
  static class Target {
    @Option(names = "--config", description = "Properties file (same keys as the engine's).")
    Path config;

    InputWrites open() throws Exception {
      EngineConfig c = EngineConfig.load(config, System.getenv());
      return new InputWrites(c, new Topics(c.asMap()));
    }
  }

  /** Runs {@code each} over {@code items}, printing what was written and what was refused. */
  interface Write<T> {
    String write(T item) throws InputWrites.Refused;
  }

  static <T> int each(List<T> items, Write<T> each) {
    int refused = 0;
    for (T item : items) {
      try {
        System.out.println("written: " + each.write(item));
      } catch (InputWrites.Refused e) {
        refused++;
        System.out.println("refused: " + e.getMessage());
      }
    }
    System.out.printf(Locale.ROOT, "%d written, %d refused%n", items.size() - refused, refused);
    return refused == 0 ? 0 : 1;
  }

  static <T> List<T> lines(Path file, Class<T> type) throws Exception {
    List<T> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(JSON.readValue(line, type));
      }
    }
    return out;
  }

  @Command(
      name = "request",
      mixinStandardHelpOptions = true,
      description = {
        "A generation request from arguments, or one per line of a JSON-lines file with the"
            + " gallery API's fields (userId, referenceItemId or referenceImage as base64 PNG,"
            + " instruction, alphaH, alphaR, candidates, options). The answer arrives on"
            + " generated-images; an unknown reference item is answered REJECTED with the reason."
      })
  static final class Request implements Callable<Integer> {
    @picocli.CommandLine.Mixin Target target;

    static final class One {
      @Option(names = "--user", required = true, description = "User id (the record's key).")
      String user;

      @Option(names = "--reference", description = "Catalog item id of the reference.")
      String reference;

      @Option(names = "--image", description = "Or a PNG file as the reference.")
      Path image;

      @Option(names = "--alpha-h", description = "History mask ratio in [0, 1].")
      Double alphaH;

      @Option(names = "--alpha-r", description = "Reference mask ratio in [0, 1].")
      Double alphaR;

      @Option(names = "--candidates", description = "Candidates to generate.")
      Integer candidates;

      @Option(names = "--options", description = "1: one image; 2: two side by side.")
      Integer options;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
      @ArgGroup(exclusive = false)
      One one;

      @Option(names = "--file", description = "JSON lines, one request each.")
      Path file;
    }

    @Override
    public Integer call() throws Exception {
      List<InputWrites.RequestBody> bodies;
      if (source.file != null) {
        bodies = lines(source.file, InputWrites.RequestBody.class);
      } else {
        One o = source.one;
        bodies =
            List.of(
                new InputWrites.RequestBody(
                    o.user,
                    o.reference,
                    o.image == null
                        ? null
                        : Base64.getEncoder().encodeToString(Files.readAllBytes(o.image)),
                    null,
                    o.alphaH,
                    o.alphaR,
                    o.candidates,
                    o.options));
      }
      try (InputWrites w = target.open()) {
        return each(
            bodies, b -> "request " + w.request(b, item -> true) + " for user " + b.userId());
      }
    }
  }

  @Command(
      name = "reaction",
      mixinStandardHelpOptions = true,
      description =
          "A reaction to a generated image (LIKE, SAVE, SHARE, DISLIKE, SKIP, VIEW, CLICK), from"
              + " arguments or one per line of a JSON-lines file (userId, imageId, action).")
  static final class Reaction implements Callable<Integer> {
    @picocli.CommandLine.Mixin Target target;

    @Option(names = "--user", description = "User id.")
    String user;

    @Option(names = "--image", description = "The generated image's id.")
    String image;

    @Option(names = "--action", defaultValue = "LIKE", description = "Default: ${DEFAULT-VALUE}.")
    String action;

    @Option(names = "--file", description = "JSON lines, one reaction each.")
    Path file;

    @Override
    public Integer call() throws Exception {
      List<InputWrites.ReactionBody> bodies =
          file != null
              ? lines(file, InputWrites.ReactionBody.class)
              : List.of(new InputWrites.ReactionBody(user, image, action));
      try (InputWrites w = target.open()) {
        return each(
            bodies,
            b -> {
              w.reaction(b);
              return b.action() + " by " + b.userId() + " on " + b.imageId();
            });
      }
    }
  }

  @Command(
      name = "items",
      mixinStandardHelpOptions = true,
      description =
          "Catalog items from PNG files (or every PNG in the folders given): id STYLE/NAME, caption"
              + " NAME (the file name without .png).")
  static final class Items implements Callable<Integer> {
    @picocli.CommandLine.Mixin Target target;

    @Parameters(arity = "1..*", description = "PNG files or folders of them.")
    List<Path> paths;

    @Option(names = "--style", defaultValue = "custom", description = "Default: ${DEFAULT-VALUE}.")
    String style;

    @Option(names = "--category", defaultValue = "", description = "Category of every item.")
    String category;

    @Override
    public Integer call() throws Exception {
      List<Path> files = new ArrayList<>();
      for (Path p : paths) {
        if (Files.isDirectory(p)) {
          try (Stream<Path> s = Files.list(p)) {
            s.filter(f -> f.toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                .sorted()
                .forEach(files::add);
          }
        } else {
          files.add(p);
        }
      }
      try (InputWrites w = target.open()) {
        return each(
            files,
            f -> {
              String name = f.getFileName().toString().replaceFirst("(?i)\\.png$", "");
              byte[] png;
              try {
                png = Files.readAllBytes(f);
              } catch (java.io.IOException e) {
                throw new InputWrites.Refused(f + ": " + e.getMessage());
              }
              w.item(style + "/" + name, png, name, category, style);
              return "item " + style + "/" + name;
            });
      }
    }
  }
}
