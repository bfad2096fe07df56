package io.pigeonstreams.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every Kafka client of the engine and its tools needs to reach the cluster: the bootstrap
 * servers and the security settings ({@code security.*}, {@code sasl.*}, {@code ssl.*}) passed
 * through from the configuration as they are, so that SASL and SSL clusters work for the admin
 * client, the readers and the producers as for Kafka Streams. Blank values count as unset.
 */
public final class ClientConfig {

  private ClientConfig() {}

  /** Bootstrap servers plus the security settings found in {@code config}. */
  public static Map<String, Object> of(String bootstrapServers, Map<String, ?> config) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bootstrap.servers", bootstrapServers);
    if (config != null) {
      config.forEach(
          (k, v) -> {
            if (v != null
                && !v.toString().isBlank()
                && (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl."))) {
              out.put(k, v.toString().trim());
            }
          });
    }
    return out;
  }

  /** Bootstrap servers only (a cluster without security). */
  public static Map<String, Object> of(String bootstrapServers) {
    return of(bootstrapServers, Map.of());
  }
}
