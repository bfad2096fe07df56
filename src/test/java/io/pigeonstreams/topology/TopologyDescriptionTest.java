package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in topology/topology.txt must be what the code builds. */
class TopologyDescriptionTest {

  static final Path CHECKED_IN = Path.of("topology", "topology.txt");
  static final Path ACTUAL = Path.of("target", "topology.txt");

  @Test
  void shouldMatchTheCheckedInDescription() throws Exception {
    // Given the topology built from its parts (the engine wires the same parts: PigeonEngineTest)
    String actual = Fixtures.topology(Fixtures.topics()).describe().toString();
    Files.createDirectories(ACTUAL.getParent());
    Files.writeString(ACTUAL, actual, StandardCharsets.UTF_8);

    // Then it is the one checked in (and drawn in topology/README.md)
    assertThat(Files.readString(CHECKED_IN, StandardCharsets.UTF_8))
        .as(
            "the topology changed: review %s, copy it to %s and update the diagram in"
                + " topology/README.md",
            ACTUAL, CHECKED_IN)
        .isEqualTo(actual);
  }
}
