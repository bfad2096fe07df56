package io.pigeonstreams.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeCardTest {

  private static final Path JUDGES = Path.of("models", "judges");

  @Test
  void shouldMergeARetrainedJudgeIntoTheCommittedCard(@TempDir Path dir) throws Exception {
    // Given the committed judges.tsv, and the style judge retrained with its committed numbers
    Files.copy(JUDGES.resolve("judges.tsv"), dir.resolve("judges.tsv"));
    JudgeTrainer.Report style =
        new JudgeTrainer.Report(
            JudgeTrainer.Kind.STYLE, 20, 6757, 459, 0.967, 0.926, 1.0, 582_000, 1060, 1.6, 0.1);

    // When the card is written
    String card = JudgeCard.write(dir, List.of(style));

    // Then the identity judge's line is kept and the card is the committed one (up to the notes
    // added by hand after it)
    List<String> committed =
        Files.readAllLines(JUDGES.resolve("README.md"), StandardCharsets.UTF_8);
    assertThat(card).isEqualTo(String.join("\n", committed.subList(0, 12)) + "\n");
    assertThat(Files.readString(dir.resolve("README.md"))).isEqualTo(card);
    assertThat(dir.resolve("judges.tsv")).hasSameTextualContentAs(JUDGES.resolve("judges.tsv"));
  }
}
