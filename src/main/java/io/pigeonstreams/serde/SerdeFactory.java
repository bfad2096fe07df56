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
 * format, so switching every topic to a schema registry is a config change here, not an edit of
 * each topology.
 */
public final class SerdeFactory {

  /** Config key choosing the wire format. */
  public static final String FORMAT_CONFIG = "serde.format";

  /** Avro single-object encoding, schemas from the class path (the default). */
  public static final String SINGLE_OBJECT = "single-object";

  /**
   * The Confluent wire format with a schema registry (Confluent, Apicurio's ccompat API, Karapace,
   * Redpanda): {@link RegistryAvroSerde}.
   */
  public static final String REGISTRY = "registry";

  /** The registry's URL (registry format). */
  public static final String REGISTRY_URL_CONFIG = "schema.registry.url";

  /** {@code user:password} for the registry's basic authentication (registry format). */
  public static final String USER_INFO_CONFIG = "basic.auth.user.info";

  /** Register schemas (true, the default) or only look them up (registry format). */
  public static final String AUTO_REGISTER_CONFIG = "auto.register.schemas";

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
      case REGISTRY -> {
        Object url = config.get(REGISTRY_URL_CONFIG);
        if (url == null || url.toString().isBlank()) {
          throw new IllegalArgumentException(
              FORMAT_CONFIG + "=" + REGISTRY + " needs " + REGISTRY_URL_CONFIG);
        }
        Object user = config.get(USER_INFO_CONFIG);
        Object register = config.get(AUTO_REGISTER_CONFIG);
        return new RegistryAvroSerde<>(
            type,
            RegistryClient.shared(url.toString().trim(), user == null ? null : user.toString()),
            register == null || Boolean.parseBoolean(register.toString().trim()));
      }
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
