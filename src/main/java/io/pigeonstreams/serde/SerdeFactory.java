package io.pigeonstreams.serde;

import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one place that chooses how records are put on the wire, from the config key {@value
 * #FORMAT_CONFIG}.
 *
 * <p>Why one place: topology code asks for "the serde of GenerationRequest" and never names a
 * format, so switching every topic to a schema registry later is a config change here, not an edit
 * of each topology.
 */
public final class SerdeFactory {

  /** Config key choosing the wire format. */
  public static final String FORMAT_CONFIG = "serde.format";

  /** Avro single-object encoding, schemas from the class path (the default). */
  public static final String SINGLE_OBJECT = "single-object";

  /** Confluent-style schema registry (not implemented yet). */
  public static final String REGISTRY = "registry";

  /** The values {@value #FORMAT_CONFIG} accepts. */
  public static final List<String> FORMATS = List.of(SINGLE_OBJECT, REGISTRY);

  private SerdeFactory() {}

  /**
   * The serde of {@code type} in the format chosen by {@code config} ({@value #SINGLE_OBJECT} when
   * {@value #FORMAT_CONFIG} is absent).
   *
   * @param config the application's configuration; may be {@code null}
   * @throws IllegalArgumentException when the format is not implemented or not known
   */
  public static <T extends SpecificRecord> Serde<T> forClass(Class<T> type, Map<String, ?> config) {
    Object value = config == null ? null : config.get(FORMAT_CONFIG);
    String format = value == null ? SINGLE_OBJECT : value.toString();
    switch (format) {
      case SINGLE_OBJECT -> {
        return new AvroSerde<>(type);
      }
      case REGISTRY ->
          throw new IllegalArgumentException(
              FORMAT_CONFIG
                  + "="
                  + REGISTRY
                  + " arrives with the schema-registry issue; use "
                  + SINGLE_OBJECT);
      default ->
          throw new IllegalArgumentException(
              "unknown "
                  + FORMAT_CONFIG
                  + "="
                  + format
                  + "; allowed values: "
                  + String.join(", ", FORMATS)
                  + " (default "
                  + SINGLE_OBJECT
                  + ")");
    }
  }
}
