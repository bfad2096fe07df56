package io.pigeonstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PigeonCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = PigeonCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void shouldListTheCommandsInHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("dataset", "train", "eval");
  }

  @Test
  void shouldRefuseAnUnknownGeneratorWithTheKnownNames(@TempDir Path dir) {
    int code = run("eval", "--generator", "dalle", "--out", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown generator 'dalle'")
        .contains("nearest-history")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldRefuseAnUnknownEngineGeneratorInTheDemo(@TempDir Path dir) {
    int code = run("demo", "--generator", "dalle", "--out", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("--generator must be pigeon, unet or nearest-history, got 'dalle'")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldRefuseAMalformedExperimentWithEveryReasonBeforeWritingIt() {
    // no broker is running: a refused definition never reaches one
    int code =
        run(
            "experiment",
            "create",
            "e1",
            "--variant",
            "control:0.5",
            "--variant",
            "no-mask:0.7:alpha_h=1.5",
            "--config",
            "/nonexistent.properties");
    assertThat(code).isNotZero();
    assertThat(err.toString())
        .contains("experiment 'e1' refused")
        .contains("variant 'no-mask': alpha_h must be in [0, 1], got 1.5")
        .contains("weights sum to 1.2000, not 1")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldRefuseANoiseLevelOutsideTheUnitInterval(@TempDir Path dir) {
    int code = run("eval", "--generator", "grd", "--noise", "1.5", "--out", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--noise must be in [0, 1]");
  }

  @Test
  void shouldRefuseAMaskRatioOutsideTheUnitInterval(@TempDir Path dir) {
    int code =
        run("eval", "--generator", "pigeon-sft", "--alpha-r", "1.5", "--out", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--alpha-h and --alpha-r must be in [0, 1], got 1.5");
  }

  @Test
  void shouldRefuseASweepOverMoreThanOnePigeonOrOverARatioAlsoGiven(@TempDir Path dir) {
    int code =
        run("eval", "--generator", "pigeon,grd", "--sweep", "ALPHA_H", "--out", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--sweep runs exactly one Pigeon generator");
    err.getBuffer().setLength(0);
    code =
        run(
            "eval",
            "--generator",
            "pigeon",
            "--sweep",
            "ALPHA_R",
            "--alpha-r",
            "0.5",
            "--out",
            dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("sets --alpha-r itself");
  }

  @Test
  void shouldRefuseAnUnknownSplit(@TempDir Path dir) {
    int code = run("eval", "--generator", "grd", "--split", "dev", "--out", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("unknown split 'dev'");
  }

  @Test
  void shouldExplainMissingDataWithoutAStackTrace(@TempDir Path dir) {
    int code =
        run(
            "eval",
            "--generator",
            "grd",
            "--data",
            dir.resolve("nowhere").toString(),
            "--out",
            dir.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("error: ")
        .contains("emoji.tsv")
        .contains("dataset build")
        .doesNotContain("\tat ");
  }
}
