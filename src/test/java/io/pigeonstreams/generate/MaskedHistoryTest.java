package io.pigeonstreams.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaskedHistoryTest {

  private static HistoryEntry entry(String id) {
    return new HistoryEntry(id, new float[0], new int[] {7, 8, 9});
  }

  @Test
  void shouldCountAnEntryMaskedOnlyWhenEveryTokenIsMasked() {
    // Given a token-level mask: a masked whole, b masked in part, c not masked
    MaskedHistory masked =
        new MaskedHistory(
            List.of(entry("a"), entry("b"), entry("c")),
            List.of(
                new boolean[] {true, true, true},
                new boolean[] {true, false, true},
                new boolean[] {false, false, false}));

    // Then a is masked; b and c are kept, and their token ids are untouched
    assertThat(masked.isMasked(0)).isTrue();
    assertThat(masked.isMasked(1)).isFalse();
    assertThat(masked.keptItemIds()).containsExactlyInAnyOrder("b", "c");
    assertThat(masked.tokens().get(0)).containsExactly(7, 8, 9);
    // and an entry the masker left out (d: beyond N, or dropped whole) counts as masked
    assertThat(masked.maskedItemIds(List.of("a", "b", "c", "d"))).containsExactly("a", "d");
  }

  @Test
  void shouldKeepEveryEntryOfAnItemLevelMask() {
    MaskedHistory kept = MaskedHistory.unmasked(List.of(entry("a"), entry("c")));
    assertThat(kept.maskedItemIds(List.of("a", "b", "c"))).containsExactly("b");
  }

  @Test
  void shouldRefuseAMaskThatDoesNotFitItsEntries() {
    assertThatThrownBy(() -> new MaskedHistory(List.of(entry("a")), List.of(new boolean[2])))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
