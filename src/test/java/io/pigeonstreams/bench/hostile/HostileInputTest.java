package io.pigeonstreams.bench.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short hostile-input campaign: every kind of malformed record, written by Debian's kcat into
 * every input topic of a running engine, is accounted for (a dead letter with its reason, or one
 * REJECTED answer), nothing twice, and the engine keeps running and answering. {@code bench
 * hostile} runs the long one.
 */
class HostileInputTest {

  @Test
  void shouldAccountForEveryHostileRecordAndKeepRunning(@TempDir Path out) throws Exception {
    Assumptions.assumeTrue(
        HostileCampaign.kcatAvailable(), "Debian's kcat is not installed (.ci/run installs it)");
    StringWriter console = new StringWriter();
    HostileCampaign.Result r =
        new HostileCampaign(
                new HostileCampaign.Settings(240, "nearest-history", out, Duration.ofMinutes(3)),
                TestData.dataset(),
                new PrintWriter(console))
            .run();

    assertThat(r.accounts()).hasSize(3);
    for (HostileCampaign.Account a : r.accounts()) {
      assertThat(a.sent()).isEqualTo(240);
      assertThat(a.kinds()).hasSizeGreaterThanOrEqualTo(10);
      assertThat(a.unaccounted()).as(console.toString()).isZero();
      assertThat(a.duplicates()).isZero();
      assertThat(a.deadLetters()).isEqualTo(a.expectedDeadLetters());
      assertThat(a.answers()).isEqualTo(a.expectedAnswers()).isEqualTo(a.rejected());
    }
    assertThat(r.runningAfter()).isTrue();
    assertThat(r.validAnsweredAfter()).isEqualTo(r.validSentAfter());
    assertThat(r.allAccounted()).isTrue();
  }
}
