package io.pigeonstreams.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineConfigTest {

  @Test
  void shouldDefaultToExactlyOnceWithAnExplicitApplicationIdAndStateDir() throws Exception {
    EngineConfig config = EngineConfig.load(null, Map.of());
    assertThat(config.streamsProperties())
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("application.id", "pigeon-streams")
        .containsKey("state.dir");
    assertThat(config.getInt("pigeon.history.size")).isEqualTo(5);
    assertThat(config.getRatio("pigeon.alpha.h")).isEqualTo(0.2);
  }

  @Test
  void shouldLetTheFileOverrideDefaultsAndTheEnvironmentOverrideTheFile(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("engine.properties");
    Files.writeString(file, "bootstrap.servers=kafka-1:9092\npigeon.history.size=8\n");
    EngineConfig config =
        EngineConfig.load(file, Map.of("PIGEON_BOOTSTRAP_SERVERS", "kafka-2:9092", "OTHER", "x"));
    assertThat(config.get("bootstrap.servers")).isEqualTo("kafka-2:9092");
    assertThat(config.getInt("pigeon.history.size")).isEqualTo(8);
  }

  @Test
  void shouldKeepEngineKeysOutOfKafkaStreamsProperties() {
    EngineConfig config = EngineConfig.of(Map.of());
    assertThat(config.streamsProperties().stringPropertyNames())
        .noneMatch(k -> k.startsWith("pigeon."));
  }

  @Test
  void shouldNameTheKeyOfABadValue() {
    EngineConfig config =
        EngineConfig.of(Map.of("pigeon.alpha.h", "1.2", "pigeon.history.size", "five"));
    assertThatThrownBy(() -> config.getRatio("pigeon.alpha.h"))
        .hasMessage("pigeon.alpha.h must be in [0, 1], got 1.2");
    assertThatThrownBy(() -> config.getInt("pigeon.history.size"))
        .hasMessage("pigeon.history.size must be an integer, got 'five'");
    assertThatThrownBy(
            () ->
                EngineConfig.of(Map.of("pigeon.candidates.selection", "best"))
                    .selection("pigeon.candidates.selection"))
        .hasMessage(
            "pigeon.candidates.selection: candidate selection must be sum, balanced or"
                + " personalization, got 'best'");
    assertThat(EngineConfig.of(Map.of()).selection("pigeon.candidates.selection"))
        .isEqualTo(io.pigeonstreams.generate.Candidates.Selection.BALANCED);
  }

  @Test
  void shouldReportAMissingConfigurationFile(@TempDir Path dir) {
    assertThatThrownBy(() -> EngineConfig.load(dir.resolve("nope.properties"), Map.of()))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope.properties");
  }

  @Test
  void shouldMapKeysToEnvironmentNames() {
    assertThat(EngineConfig.envName("bootstrap.servers")).isEqualTo("PIGEON_BOOTSTRAP_SERVERS");
    assertThat(EngineConfig.envName("pigeon.alpha.h")).isEqualTo("PIGEON_PIGEON_ALPHA_H");
  }
}
