package io.pigeonstreams.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pigeonstreams.TestData;
import io.pigeonstreams.model.StyleEncoder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production scorer's taste encoder, trained from interactions alone at a small size. */
class ScorerTrainerTest {

  @Test
  void shouldLearnWhatUsersImagesShareWithoutLabels(@TempDir Path dir) throws Exception {
    // Given 40 contrastive steps of 16 (anchor, positive) pairs from TRAIN windows
    ScorerTrainer.Settings settings = new ScorerTrainer.Settings(40, 16, 2e-3f, 0.1f, 23L);

    // When the taste encoder trains
    ScorerTrainer.Report r = ScorerTrainer.train(TestData.dataset(), settings, dir, false);

    // Then symmetric InfoNCE over 16 pairs starts near log 16 and falls, and on VAL windows the
    // ground truth is closer to the history than the reference more often than chance
    assertThat(r.steps()).isEqualTo(40);
    assertThat(r.windows()).isEqualTo(11_200);
    assertThat(r.firstLoss()).isCloseTo(Math.log(16), within(0.5));
    assertThat(r.lastLoss()).isLessThan(r.firstLoss());
    assertThat(r.valPreference()).isGreaterThan(0.6);
    assertThat(dir.resolve(StyleEncoder.NAME + "-0000.params")).isRegularFile();
  }
}
