package io.pigeonstreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.model.PigeonConfig;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The card templates give the committed cards back from the numbers of the committed runs. */
class ModelCardTest {

  private static final Path MODELS = Path.of("models", "pigeon");

  /** The first {@code lines} lines of a committed card (later ones were added by hand). */
  private static String committed(String file, int lines) throws Exception {
    return String.join(
            "\n",
            Files.readAllLines(MODELS.resolve(file), StandardCharsets.UTF_8).subList(0, lines))
        + "\n";
  }

  private static long minutes(double m) {
    return Math.round(m * 60000);
  }

  @Test
  void shouldFillPlaceholdersWithFormatsAndRecordComponents() {
    record R(double loss, long millis) {}

    String card =
        ModelCard.render(
            "{name}: {r.loss:%.2f} in {r.millis:minutes} min, {0.0, 0.1} kept",
            Map.of("name", "x", "r", new R(0.12345, 90_000)));

    assertThat(card).isEqualTo("x: 0.12 in 1.5 min, {0.0, 0.1} kept");
    assertThatThrownBy(() -> ModelCard.render("{missing}", Map.of()))
        .hasMessageContaining("no value for {missing}");
  }

  @Test
  void shouldWriteTheCommittedScorerCard() throws Exception {
    ScorerTrainer.Report r =
        new ScorerTrainer.Report(11200, 1500, 4.157, 3.861, 0.903, minutes(11));
    String card =
        ModelCard.fill(
            "scorer", Map.of("settings", ScorerTrainer.Settings.defaults(), "report", r));
    assertThat(card).isEqualTo(committed("scorer.md", 11));
  }

  @Test
  void shouldWriteTheCommittedTokenizerCard() throws Exception {
    record HeldOut(int images, double msSsim, double psnr, int codesUsed) {}
    String card =
        ModelCard.fill(
            "tokenizer",
            Map.of(
                "config", TokenizerConfig.v1(),
                "settings", TokenizerTrainer.Settings.defaults(),
                "report", new TokenizerTrainer.Report(6757, 0.2129, 0.0150, 0),
                "heldOut", new HeldOut(459, 0.806, 19.67, 511),
                "millis", minutes(18.1)));
    assertThat(card).isEqualTo(committed("tokenizer.md", 14));
  }

  @Test
  void shouldWriteTheCommittedStageOneCard() throws Exception {
    String card =
        ModelCard.fill(
            "sft",
            Map.of(
                "ablation",
                "",
                "flags",
                "",
                "config",
                PigeonConfig.defaults(),
                "settings",
                SftTrainer.Settings.defaults(),
                "report",
                new SftTrainer.Report(11200, 7000, 7.860, 4.062, minutes(48.8))));
    assertThat(card).isEqualTo(committed("pigeon-sft.md", 19));
  }

  @Test
  void shouldFillTheStageTwoCardFromItsSettingsAndReport() {
    DpoTrainer.Report r =
        new DpoTrainer.Report(
            2000, 1990, 0.70, 0.30, 0.0645, 125, 0.693, 0.584, 0.709, minutes(16.7), minutes(5.4));
    String card =
        ModelCard.fill("dpo", Map.of("settings", DpoTrainer.Settings.defaults(), "report", r));
    assertThat(card)
        .contains("samples 2 candidates per alpha_r")
        .contains("| preference pairs (best != worst) | 1990 |")
        .contains("| mean alpha_r of chosen / rejected | 0.70 / 0.30 |")
        .contains("16.7 min building pairs + 5.4 min training")
        .doesNotContain("{settings.")
        .doesNotContain("{report.");
  }
}
