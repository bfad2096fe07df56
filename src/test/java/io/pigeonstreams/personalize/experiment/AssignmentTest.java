package io.pigeonstreams.personalize.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GrowthBook's cross-SDK cases ({@code packages/sdk-js/test/cases.json}: "hash", "getBucketRange"),
 * and the values issue #13 quotes.
 */
class AssignmentTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|a|1|0.22",
        "''|b|1|0.077",
        "b|a|1|0.946",
        "ef|d|1|0.652",
        "asdf|8952klfjas09ujk|1|0.549",
        "''|123|1|0.011",
        "''|___)((*\":&|1|0.563",
        "seed|a|2|0.0505",
        "seed|b|2|0.2696",
        "foo|ab|2|0.2575",
        "foo|def|2|0.2019",
        "89123klj|8952klfjas09ujkasdf|2|0.124",
        "90850943850283058242805|123|2|0.7516",
        "()**(%$##$%#$#|___)((*\":&|2|0.0128",
        "''|a|2|0.0216",
        "ef|d|2|0.8601",
        "feature|123|1|0.863",
        "feature|456|1|0.178",
        "feature|fds|1|0.514"
      })
  void shouldHashAsGrowthBooksSdksDo(String seed, String value, int version, double expected) {
    assertThat(Assignment.hash(seed, value, version)).isCloseTo(expected, within(1e-9));
  }

  @Test
  void shouldHaveNoHashForAnUnknownVersion() {
    assertThat(Assignment.hash("abc", "def", 99)).isNull();
  }

  @Test
  void shouldCutBucketRangesAsGrowthBooksSdksDo() {
    assertRanges(Assignment.bucketRanges(2, 1, null), 0, 0.5, 0.5, 1);
    assertRanges(Assignment.bucketRanges(2, 0.5, null), 0, 0.25, 0.5, 0.75);
    assertRanges(Assignment.bucketRanges(2, 0, null), 0, 0, 0.5, 0.5);
    assertRanges(Assignment.bucketRanges(4, 1, null), 0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1);
    assertRanges(Assignment.bucketRanges(2, 1, new double[] {0.4, 0.6}), 0, 0.4, 0.4, 1);
    assertRanges(
        Assignment.bucketRanges(3, 1, new double[] {0.2, 0.3, 0.5}), 0, 0.2, 0.2, 0.5, 0.5, 1);
    assertRanges(
        Assignment.bucketRanges(3, 0.2, new double[] {0.2, 0.3, 0.5}),
        0,
        0.04,
        0.2,
        0.26,
        0.5,
        0.6);
    assertRanges(Assignment.bucketRanges(2, -0.2, null), 0, 0, 0.5, 0.5);
    assertRanges(Assignment.bucketRanges(2, 1.5, null), 0, 0.5, 0.5, 1);
    assertRanges(Assignment.bucketRanges(2, 1, new double[] {0.4, 0.1}), 0, 0.5, 0.5, 1);
    assertRanges(Assignment.bucketRanges(2, 1, new double[] {0.7, 0.6}), 0, 0.5, 0.5, 1);
    assertRanges(
        Assignment.bucketRanges(4, 1, new double[] {0.4, 0.4, 0.2}),
        0,
        0.25,
        0.25,
        0.5,
        0.5,
        0.75,
        0.75,
        1);
    assertRanges(Assignment.bucketRanges(2, 1, new double[] {0.4, 0.5999}), 0, 0.4, 0.4, 0.9999);
  }

  @Test
  void shouldChooseTheVariantWhoseRangeHoldsTheHashOrNone() {
    List<double[]> half = Assignment.bucketRanges(2, 0.5, null);
    assertThat(Assignment.chooseVariation(0.2, half)).isZero();
    assertThat(Assignment.chooseVariation(0.6, half)).isEqualTo(1);
    assertThat(Assignment.chooseVariation(0.4, half)).isEqualTo(-1); // outside coverage
    assertThat(Assignment.chooseVariation(0.25, half)).isEqualTo(-1); // ranges end open
    // the "empty experiment rule" cases: user 123 -> c, 456 -> a, fds -> b of three
    List<double[]> three = Assignment.bucketRanges(3, 1, null);
    assertThat(Assignment.chooseVariation(Assignment.hash("feature", "123", 1), three))
        .isEqualTo(2);
    assertThat(Assignment.chooseVariation(Assignment.hash("feature", "456", 1), three)).isZero();
    assertThat(Assignment.chooseVariation(Assignment.hash("feature", "fds", 1), three))
        .isEqualTo(1);
  }

  private static void assertRanges(List<double[]> ranges, double... bounds) {
    assertThat(ranges).hasSize(bounds.length / 2);
    for (int i = 0; i < ranges.size(); i++) {
      assertThat(ranges.get(i)[0]).isCloseTo(bounds[2 * i], within(1e-9));
      assertThat(ranges.get(i)[1]).isCloseTo(bounds[2 * i + 1], within(1e-9));
    }
  }
}
