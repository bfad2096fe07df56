package io.pigeonstreams.data.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserSimulatorTest {

  static StickerDataset ds;
  static UserSimulator simulator;

  @BeforeAll
  static void load() {
    ds = TestData.dataset();
    simulator = new UserSimulator(ds);
  }

  @Test
  void shouldGiveTheSameUsersAndSamplesForTheSameSeed() {
    Benchmark a = simulator.simulate(SimulationConfig.defaults(7, 0.2));
    Benchmark b = simulator.simulate(SimulationConfig.defaults(7, 0.2));
    Benchmark c = simulator.simulate(SimulationConfig.defaults(8, 0.2));
    assertThat(a.samples()).isEqualTo(b.samples());
    assertThat(a.users()).isEqualTo(b.users());
    assertThat(a.samples()).isNotEqualTo(c.samples());
  }

  @Test
  void shouldSplitEightOneOneWithSlidingWindowsOfSix() {
    Benchmark b = simulator.simulate(SimulationConfig.defaults(1, 0.2));
    assertThat(b.samples()).hasSize(2000 * 7);
    assertThat(b.samples(Split.TRAIN)).hasSize(11200);
    assertThat(b.samples(Split.VAL)).hasSize(1400);
    assertThat(b.samples(Split.TEST)).hasSize(1400);
    // Given a user's interactions, each window is five consecutive items and the next one
    SimulatedUser user = b.users().get(0);
    List<Sample> windows = b.samples().stream().filter(s -> s.user() == user.id()).toList();
    for (int w = 0; w < windows.size(); w++) {
      assertThat(windows.get(w).history()).isEqualTo(user.interactions().subList(w, w + 5));
      assertThat(windows.get(w).target()).isEqualTo(user.interactions().get(w + 5));
    }
  }

  @Test
  void shouldNeverShowAHeldOutPairToTraining() {
    // Given any seed and noise level
    for (long seed : new long[] {1, 2}) {
      for (double noise : new double[] {0.2, 1.0}) {
        Benchmark b = simulator.simulate(SimulationConfig.defaults(seed, noise));
        for (Sample s : b.samples(Split.TRAIN)) {
          // Then no training history item, target, ground truth or reference is held out
          for (Interaction h : s.history()) {
            assertThat(split(h)).isEqualTo(Split.TRAIN);
          }
          assertThat(split(s.target())).isEqualTo(Split.TRAIN);
          assertThat(split(s.groundTruth())).isEqualTo(Split.TRAIN);
          assertThat(split(s.reference())).isEqualTo(Split.TRAIN);
        }
        // And every test (validation) target's ground truth is a TEST (VAL) pair
        assertThat(b.samples(Split.TEST)).allMatch(s -> split(s.groundTruth()) == Split.TEST);
        assertThat(b.samples(Split.VAL)).allMatch(s -> split(s.groundTruth()) == Split.VAL);
      }
    }
  }

  @Test
  void shouldDrawReferencesInAnotherStyleThanTheUsers() {
    Benchmark b = simulator.simulate(SimulationConfig.defaults(5, 0.2));
    assertThat(b.samples()).allMatch(s -> s.referenceStyle() != s.preferredStyle());
    assertThat(b.samples()).allMatch(s -> s.reference().emoji() == s.target().emoji());
  }

  @Test
  void shouldMakeAboutEpsilonOfEachHistoryNoise() {
    for (double noise : new double[] {0.0, 0.2, 0.4}) {
      Benchmark b = simulator.simulate(SimulationConfig.defaults(11, noise));
      long items = 0;
      long noisy = 0;
      for (SimulatedUser u : b.users()) {
        for (Interaction i : u.interactions()) {
          items++;
          noisy += i.style() != u.preferredStyle() ? 1 : 0;
        }
      }
      assertThat(noisy / (double) items)
          .isCloseTo(noise, org.assertj.core.data.Offset.offset(0.02));
    }
  }

  @Test
  void shouldFavourEachUsersCategories() {
    Benchmark b = simulator.simulate(SimulationConfig.defaults(3, 0.2));
    long inInterest = 0;
    long items = 0;
    for (SimulatedUser u : b.users()) {
      for (Interaction i : u.interactions()) {
        items++;
        inInterest += u.interests().contains(ds.emoji().get(i.emoji()).category()) ? 1 : 0;
      }
    }
    // 80% drawn from two favoured categories of eight, plus chance hits
    assertThat(inInterest / (double) items).isGreaterThan(0.75);
  }

  @Test
  void shouldRejectNoiseOutsideTheUnitInterval() {
    assertThatThrownBy(() -> SimulationConfig.defaults(1, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("noise");
    assertThatThrownBy(() -> SimulationConfig.defaults(1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Split split(Interaction i) {
    return ds.splitOf(i.emoji(), i.style());
  }
}
