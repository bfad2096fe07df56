package io.pigeonstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.avro.Interaction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SerdeFactoryTest {

  @Test
  void shouldChooseSingleObjectEncodingByDefault() {
    // Given no format in the config, or an empty or null config
    for (Map<String, ?> config :
        List.<Map<String, ?>>of(Map.of("application.id", "pigeon"), Map.of())) {
      // When a serde is asked for
      Serde<Interaction> serde = SerdeFactory.forClass(Interaction.class, config);

      // Then it is the single-object Avro serde of that class, and it works
      assertThat(serde).isInstanceOf(AvroSerde.class);
      assertThat(((AvroSerde<?>) serde).schema()).isEqualTo(Interaction.getClassSchema());
      Interaction interaction = AvroSerdeTest.INTERACTION;
      byte[] bytes = serde.serializer().serialize("interactions", interaction);
      assertThat(serde.deserializer().deserialize("interactions", bytes)).isEqualTo(interaction);
    }
    assertThat(SerdeFactory.forClass(Interaction.class, null)).isInstanceOf(AvroSerde.class);
  }

  @Test
  void shouldChooseSingleObjectEncodingWhenAskedTo() {
    // Given the format named explicitly
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeFactory.FORMAT_CONFIG, "single-object");

    // When a serde is asked for, then it is the single-object one
    assertThat(SerdeFactory.forClass(Interaction.class, config)).isInstanceOf(AvroSerde.class);
  }

  @Test
  void shouldRefuseTheRegistryFormatWithoutARegistryUrlAndServeItWithOne() {
    // Given the registry format without a URL, then it is refused, saying what is missing
    assertThatThrownBy(
            () -> SerdeFactory.forClass(Interaction.class, Map.of("serde.format", "registry")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serde.format=registry needs schema.registry.url");
    // and with one, the Confluent wire format's serde
    assertThat(
            SerdeFactory.forClass(
                Interaction.class,
                Map.of("serde.format", "registry", "schema.registry.url", "http://localhost:1")))
        .isInstanceOf(RegistryAvroSerde.class);
  }

  @Test
  void shouldRefuseAnUnknownFormatListingTheAllowedOnes() {
    // Given a format that does not exist
    Map<String, String> config = Map.of("serde.format", "foo");

    // When a serde is asked for, then the message names the value and the allowed ones
    assertThatThrownBy(() -> SerdeFactory.forClass(Interaction.class, config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serde.format=foo")
        .hasMessageContaining("single-object")
        .hasMessageContaining("registry");
  }
}
