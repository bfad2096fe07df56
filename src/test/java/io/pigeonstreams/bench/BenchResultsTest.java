package io.pigeonstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchResultsTest {

  @Test
  void shouldWriteRowsAsNameValueUnitWithWholeNumbersWithoutDecimals() {
    BenchResults r = new BenchResults().add("cores", 2, "count").add("ratio", 0.14256, "ratio");
    assertThat(r.csv()).isEqualTo("name,value,unit\ncores,2,count\nratio,0.143,ratio\n");
  }

  @Test
  void shouldRefuseARowNamedTwice() {
    BenchResults r = new BenchResults().add("cores", 2, "count");
    assertThatThrownBy(() -> r.add("cores", 4, "count"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldTakeNearestRankPercentiles() {
    Percentiles p = new Percentiles(List.of(5, 1, 4, 2, 3, 6, 7, 8, 9, 10));
    assertThat(p.at(50)).isEqualTo(5);
    assertThat(p.at(95)).isEqualTo(10);
    assertThat(p.at(10)).isEqualTo(1);
    assertThat(new Percentiles(List.of(42L)).at(99)).isEqualTo(42);
  }
}
