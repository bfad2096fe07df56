package io.pigeonstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The README's first command, small: every request answered once, bad input accounted for. */
@Tag("integration")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DemoCommandTest {

  @Test
  void shouldAnswerEveryRequestShowOnlyProgressAndSummaryAndLogTheRest(@TempDir Path out)
      throws Exception {
    // Given the demo's console, and the process's own stderr watched
    StringWriter console = new StringWriter();
    CommandLine cli = PigeonCli.newCommandLine();
    cli.setOut(new PrintWriter(console, true));
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream realErr = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));

    // When a small demo runs
    int code;
    try {
      code = cli.execute("demo", "--requests", "30", "--users", "10", "--out", out.toString());
    } finally {
      System.setErr(realErr);
    }

    // Then 30 requests plus 2 invalid ones on purpose were each answered exactly once
    String text = console.toString();
    assertThat(code).as(text).isZero();
    assertThat(text).contains("requests sent        32");
    assertThat(text).contains("answers (committed)  32 for 32 distinct requests");
    assertThat(text).containsPattern("REJECTED\\s+2");
    assertThat(text).contains("dead letters         2");
    assertThat(out.resolve("contact-sheet.png")).isRegularFile();
    // And the long steps showed their progress
    assertThat(text).containsPattern("Loading \\d+ catalog items: 25% 50% 75% 100% \\(");
    assertThat(text).containsPattern("Generating 32 answers .*: 25% 50% 75% 100% \\(");
    // And what the libraries said, the expected dead letters included, is in the log, not on stderr
    Path log = out.resolve(DemoCommand.LOG_NAME);
    assertThat(text).contains(log.toString());
    assertThat(Files.readString(log))
        .contains("interactions-dlq")
        .contains("generation-requests-dlq");
    assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("-dlq");
    assertThat(text).doesNotContain("-dlq").doesNotContain("\tat ");
  }

  @Test
  void shouldHostTheUNetAsTheEnginesGenerator(@TempDir Path out) {
    // Given the demo's console
    StringWriter console = new StringWriter();
    CommandLine cli = PigeonCli.newCommandLine();
    cli.setOut(new PrintWriter(console, true));

    // When a small demo runs with the conditional U-Net as the generator
    int code =
        cli.execute(
            "demo",
            "--generator",
            "unet",
            "--requests",
            "10",
            "--users",
            "10",
            "--out",
            out.toString());

    // Then the engine ran the U-Net, and every request was answered exactly once
    String text = console.toString();
    assertThat(code).as(text).isZero();
    assertThat(text).containsPattern("Engine running \\(unet@[0-9a-f]{12}\\)");
    assertThat(text).contains("answers (committed)  12 for 12 distinct requests");
    assertThat(out.resolve("contact-sheet.png")).isRegularFile();
  }
}
