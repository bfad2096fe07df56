package io.pigeonstreams.eval.judge;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
      return JudgeTrainer.accuracy(judge, ds, kind, JudgeTrainer.pairs(ds, Split.TEST));
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
  void shouldGiveFeaturesAndLogitsOfTheRightShape() throws Exception {
    try (Judge judge = Judge.load(TestData.JUDGES, Judge.STYLE, ds.styleCount())) {
      Judge.Output out = judge.apply(List.of(ds.image(0, 0), ds.image(1, 1)));
      assertThat(out.logits()).hasNumberOfRows(2);
      assertThat(out.logits()[0]).hasSize(5);
      assertThat(out.features()[1]).hasSize(JudgeNet.FEATURES);
    }
  }

  @Test
  void shouldLearnStylesInOneEpochAndReloadToTheSameAnswers(@TempDir Path dir) throws Exception {
    // Given one short epoch of training on real TRAIN images
    JudgeTrainer.Settings settings = new JudgeTrainer.Settings(1, 128, 2e-3f, 3L, 2);
    JudgeTrainer.Report report =
        JudgeTrainer.train(ds, JudgeTrainer.Kind.STYLE, settings, dir, false);

    // Then it is far above chance (0.2) on held-out images, and the saved weights reload to the
    // same accuracy
    assertThat(report.heldOutAccuracy()).isGreaterThan(0.5);
    try (Judge reloaded = Judge.load(dir, Judge.STYLE, ds.styleCount())) {
      double[] acc =
          JudgeTrainer.accuracy(
              reloaded, ds, JudgeTrainer.Kind.STYLE, JudgeTrainer.pairs(ds, Split.TEST));
      assertThat(acc[0]).isEqualTo(report.heldOutAccuracy());
    }
  }
}
