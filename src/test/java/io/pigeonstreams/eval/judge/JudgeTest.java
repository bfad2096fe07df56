package io.pigeonstreams.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/** The committed judges on real images, and their training (two batches; one epoch opt-in). */
class JudgeTest {

  static StickerDataset ds;

  @BeforeAll
  static void load() {
    ds = TestData.dataset();
  }

  /** Top-1 and top-5 accuracy of a committed judge on the real images of the TEST pairs. */
  private static double[] heldOutAccuracy(JudgeTrainer.Kind kind, String name, int classes)
      throws Exception {
    try (Judge judge = Judge.load(TestData.JUDGES, name, classes)) {
      return JudgeTrainer.accuracy(judge, ds, kind, ds.pairs(Split.TEST));
    }
  }

  @Test
  void shouldRecognizeTheStyleOfHeldOutImages() throws Exception {
    double[] acc = heldOutAccuracy(JudgeTrainer.Kind.STYLE, Judge.STYLE, ds.styleCount());
    // 0.926 for the committed judge: the misses are mostly Noto vs. Twemoji objects and food,
    // which look alike at 32 px (see models/judges/README.md); chance is 0.2
    assertThat(acc[0]).isGreaterThan(0.9);
  }

  @Test
  void shouldRecognizeEmojiInAStyleItNeverSawThemIn() throws Exception {
    double[] acc = heldOutAccuracy(JudgeTrainer.Kind.IDENTITY, Judge.IDENTITY, ds.emojiCount());
    // chance is 1/1533 top-1 and 5/1533 top-5
    assertThat(acc[0]).isGreaterThan(0.3);
    assertThat(acc[1]).isGreaterThan(0.5);
  }

  @Test
  void shouldGiveFeaturesAndLogitsOfTheRightShapeAndTheSameAnswerForTheSameImage()
      throws Exception {
    try (Judge judge = Judge.load(TestData.JUDGES, Judge.STYLE, ds.styleCount())) {
      // Given two images of emoji 0 in google's style and one in openmoji's
      Judge.Output out = judge.apply(List.of(ds.image(0, 0), ds.image(0, 2), ds.image(0, 0)));

      assertThat(out.logits()).hasNumberOfRows(3);
      assertThat(out.logits()[0]).hasSize(5);
      assertThat(out.features()[1]).hasSize(JudgeNet.FEATURES);
      // an image's answer does not depend on the rest of the batch
      assertThat(out.logits()[2]).containsExactly(out.logits()[0]);
      assertThat(out.features()[2]).containsExactly(out.features()[0]);
    }
  }

  @Test
  void shouldTrainTwoBatchesAndSaveAJudgeThatLoads(@TempDir Path dir) throws Exception {
    // Given two batches of 32 real TRAIN images
    JudgeTrainer.Settings settings = new JudgeTrainer.Settings(1, 32, 2e-3f, 3L, 2, 2);

    // When the style judge trains on them
    JudgeTrainer.Report report =
        JudgeTrainer.train(ds, JudgeTrainer.Kind.STYLE, settings, dir, false);

    // Then it took two steps from a first loss near log 5 (an untrained 5-way classifier), and
    // its weights load as a judge that gives the accuracies it reported
    assertThat(report.steps()).isEqualTo(2);
    assertThat(report.firstLoss()).isCloseTo(Math.log(5), within(0.5));
    assertThat(report.lastLoss()).isFinite();
    try (Judge reloaded = Judge.load(dir, Judge.STYLE, ds.styleCount())) {
      double[] acc =
          JudgeTrainer.accuracy(reloaded, ds, JudgeTrainer.Kind.STYLE, ds.pairs(Split.TEST));
      assertThat(acc[0]).isEqualTo(report.heldOutAccuracy());
    }
  }

  /** Opt-in (about a minute): {@code PIGEON_LONG_TESTS=1}. */
  @Test
  @Tag("long")
  @EnabledIfEnvironmentVariable(named = "PIGEON_LONG_TESTS", matches = "1")
  void shouldLearnStylesInOneEpoch(@TempDir Path dir) throws Exception {
    // Given one short epoch of training on real TRAIN images
    JudgeTrainer.Settings settings =
        new JudgeTrainer.Settings(1, 128, 2e-3f, 3L, 2, Integer.MAX_VALUE);
    JudgeTrainer.Report report =
        JudgeTrainer.train(ds, JudgeTrainer.Kind.STYLE, settings, dir, false);

    // Then it is far above chance (0.2) on held-out images
    assertThat(report.heldOutAccuracy()).isGreaterThan(0.5);
  }
}
