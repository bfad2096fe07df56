package io.pigeonstreams.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The engine's configuration: the commented defaults in {@code pigeon-streams.properties}, then an
 * optional file, then environment variables ({@code PIGEON_BOOTSTRAP_SERVERS} overrides {@code
 * bootstrap.servers}). Keys starting with {@code pigeon.} and {@code serde.} are the engine's; the
 * rest go to Kafka Streams.
 */
public final class EngineConfig {

  static final String DEFAULTS = "/pigeon-streams.properties";
  static final String ENV_PREFIX = "PIGEON_";

  private final Properties properties;

  private EngineConfig(Properties properties) {
    this.properties = properties;
  }

  public static EngineConfig load(Path file, Map<String, String> env) throws IOException {
    Properties p = defaults();
    if (file != null) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(file.toString(), null, "configuration file not found");
      }
    }
    for (String key : p.stringPropertyNames()) {
      String value = env.get(envName(key));
      if (value != null) {
        p.setProperty(key, value);
      }
    }
    return new EngineConfig(p);
  }

  /** The defaults plus explicit overrides: for tests and the embedded demo. */
  public static EngineConfig of(Map<String, String> overrides) {
    Properties p = defaults();
    overrides.forEach(p::setProperty);
    return new EngineConfig(p);
  }

  /** This configuration with {@code key} set to {@code value}. */
  public EngineConfig with(String key, String value) {
    Properties p = new Properties();
    p.putAll(properties);
    p.setProperty(key, value);
    return new EngineConfig(p);
  }

  private static Properties defaults() {
    Properties p = new Properties();
    try (InputStream in = EngineConfig.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " missing from the class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS, e);
    }
    return p;
  }

  static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public String get(String key) {
    String v = properties.getProperty(key);
    if (v == null) {
      throw new IllegalArgumentException("missing configuration key " + key);
    }
    return v.trim();
  }

  public boolean has(String key) {
    return properties.getProperty(key) != null;
  }

  public int getInt(String key) {
    try {
      return Integer.parseInt(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + get(key) + "'");
    }
  }

  public long getLong(String key) {
    try {
      return Long.parseLong(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + get(key) + "'");
    }
  }

  public double getRatio(String key) {
    double v;
    try {
      v = Double.parseDouble(get(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + get(key) + "'");
    }
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(key + " must be in [0, 1], got " + v);
    }
    return v;
  }

  /** A candidate selection rule: {@code sum}, {@code balanced} or {@code personalization}. */
  public io.pigeonstreams.generate.Candidates.Selection selection(String key) {
    try {
      return io.pigeonstreams.generate.Candidates.Selection.parse(get(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  public boolean getBoolean(String key) {
    return Boolean.parseBoolean(get(key));
  }

  /**
   * What the engine's own Kafka clients (admin, model-updates follower, gallery producer) and the
   * tools need: bootstrap servers and the security settings.
   */
  public Map<String, Object> clientConfig() {
    return io.pigeonstreams.kafka.ClientConfig.of(get("bootstrap.servers"), asMap());
  }

  /** Kafka Streams' properties: everything that is not an engine key (blank values: unset). */
  public Properties streamsProperties() {
    Properties out = new Properties();
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith("pigeon.") && !properties.getProperty(key).isBlank()) {
        out.setProperty(key, properties.getProperty(key).trim());
      }
    }
    return out;
  }

  /** Everything set (blank values: unset), for serde and handler configuration. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new HashMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (!properties.getProperty(key).isBlank()) {
        map.put(key, properties.getProperty(key).trim());
      }
    }
    return map;
  }
}
