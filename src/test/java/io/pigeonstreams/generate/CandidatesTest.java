package io.pigeonstreams.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CandidatesTest {

  @Test
  void shouldSpreadThePapersElevenValuesOverTheUnitInterval() {
    // When the grid of 11 is built
    List<Double> grid = Candidates.alphaRGrid(11);

    // Then it is the paper's {0.0, 0.1, ..., 1.0}, value for value
    assertThat(grid).containsExactly(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
    assertThat(Candidates.PAPER_GRID).isEqualTo(grid);
    assertThat(Candidates.alphaRGrid(3)).containsExactly(0.0, 0.5, 1.0);
    assertThatThrownBy(() -> Candidates.alphaRGrid(1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldChooseTheFirstOfTiedBestAndWorstCandidates() {
    // Given scores with a tie at the top and at the bottom
    double[] scores = {0.2, 0.9, 0.1, 0.9, 0.1};

    // Then the first of each tie is chosen
    assertThat(Candidates.best(scores)).isEqualTo(1);
    assertThat(Candidates.worst(scores)).isEqualTo(2);
  }

  @Test
  void shouldRankByTheCombinedScore() {
    // Given one candidate more personalized, another better aligned, and a balanced one
    List<PreferenceScorer.Scores> scores =
        List.of(
            new PreferenceScorer.Scores(0.9, 0.0),
            new PreferenceScorer.Scores(0.0, 0.8),
            new PreferenceScorer.Scores(0.6, 0.6));

    // When they are ranked by the combined score
    double[] combined = Candidates.combined(scores);

    // Then the balanced one wins and the aligned one loses
    assertThat(Candidates.best(combined)).isEqualTo(2);
    assertThat(Candidates.worst(combined)).isEqualTo(1);
  }

  @Test
  void shouldChooseTheCandidateGoodOnBothScoresWhenBalanced() {
    // Given a sweep where alignment varies far more than personalization (the copy at alpha_r 0)
    List<PreferenceScorer.Scores> scores =
        List.of(
            new PreferenceScorer.Scores(0.50, 0.95), // the copy
            new PreferenceScorer.Scores(0.56, 0.70), // redrawn, still aligned
            new PreferenceScorer.Scores(0.60, 0.20)); // no reference left

    // Then the sum keeps the copy, the balanced rule the one in between
    assertThat(Candidates.best(Candidates.Selection.SUM.values(scores))).isZero();
    double[] balanced = Candidates.Selection.BALANCED.values(scores);
    assertThat(Candidates.best(balanced)).isEqualTo(1);
    // normalized: personalization (0.6, 1) and alignment (0.667, ...) -> harmonic mean 0.632...
    assertThat(balanced[1]).isCloseTo(2 * 0.6 * (0.5 / 0.75) / (0.6 + 0.5 / 0.75), within(1e-5));
    assertThat(balanced[0]).isCloseTo(0, within(1e-5));
    assertThat(balanced[2]).isCloseTo(0, within(1e-5));
    assertThat(Candidates.best(Candidates.Selection.PERSONALIZATION.values(scores))).isEqualTo(2);
    // and equal scores count as 1 for all, so a single candidate is not rated 0
    assertThat(Candidates.balanced(List.of(new PreferenceScorer.Scores(0.3, 0.4)))[0])
        .isCloseTo(1.0, within(1e-5));
    // and two candidates that each win on one score are told apart by the sum
    double[] two =
        Candidates.balanced(
            List.of(new PreferenceScorer.Scores(0.4, 0.9), new PreferenceScorer.Scores(0.6, 0.5)));
    assertThat(Candidates.best(two)).isZero();
    assertThat(Candidates.worst(two)).isEqualTo(1);
    assertThat(Candidates.Selection.parse(" Balanced ")).isEqualTo(Candidates.Selection.BALANCED);
    assertThatThrownBy(() -> Candidates.Selection.parse("max"))
        .hasMessage("candidate selection must be sum, balanced or personalization, got 'max'");
  }
}
