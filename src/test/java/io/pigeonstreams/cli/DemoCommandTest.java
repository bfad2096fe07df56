package io.pigeonstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
  void shouldAnswerEveryRequestAndWriteAContactSheet(@TempDir Path out) {
    StringWriter console = new StringWriter();
    CommandLine cli = PigeonCli.newCommandLine();
    cli.setOut(new PrintWriter(console, true));

    int code = cli.execute("demo", "--requests", "30", "--users", "10", "--out", out.toString());

    String text = console.toString();
    assertThat(code).as(text).isZero();
    // 30 requests plus 2 invalid ones on purpose, each answered exactly once
    assertThat(text).contains("requests sent        32");
    assertThat(text).contains("answers (committed)  32 for 32 distinct requests");
    assertThat(text).containsPattern("REJECTED\\s+2");
    assertThat(text).contains("dead letters         2");
    assertThat(out.resolve("contact-sheet.png")).isRegularFile();
  }
}
