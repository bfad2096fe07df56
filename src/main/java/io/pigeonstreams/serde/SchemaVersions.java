package io.pigeonstreams.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every Avro schema version kept on the class path under {@code schemas/}: the current ones ({@code
 * schemas/*.avsc}, the same the generated classes are compiled from) and the older ones ({@code
 * schemas/versions/<RecordName>/vN.avsc}).
 *
 * <p>Why: single-object encoding puts only a fingerprint of the writer's schema in each message, so
 * a reader can decode a record written by an older (or newer) producer only if it knows that
 * writer's schema. The versions are found by listing the class path (a directory under {@code
 * target/classes} or entries of {@code pigeon-streams.jar}), so adding a version is adding a file,
 * with no list to keep in sync.
 *
 * <p>Old versions may reference current named types (e.g. {@code io.pigeonstreams.avro.Scenario})
 * without defining them: each is parsed with a fresh parser that already knows every current named
 * type the file does not define itself.
 */
public final class SchemaVersions {

  /** Class path folder that holds the schemas. */
  public static final String ROOT = "schemas";

  /** Folder, relative to {@link #ROOT}, that holds the older versions. */
  public static final String VERSIONS = "versions/";

  private static final String SUFFIX = ".avsc";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SchemaVersions onClassPath;

  private final Map<String, Schema> byPath;
  private final Map<String, Schema> currentTypes;

  private SchemaVersions(Map<String, Schema> byPath, Map<String, Schema> currentTypes) {
    this.byPath = Collections.unmodifiableMap(byPath);
    this.currentTypes = Collections.unmodifiableMap(currentTypes);
  }

  /** The schemas on the class path of this class, scanned on first use. */
  public static synchronized SchemaVersions onClassPath() {
    if (onClassPath == null) {
      onClassPath = scan(SchemaVersions.class.getClassLoader());
    }
    return onClassPath;
  }

  /**
   * A new store holding every schema on the class path of this class (current and older versions).
   * Each call returns a fresh store, so a caller may add schemas to it without affecting others.
   */
  public static SchemaStore.Cache store() {
    return onClassPath().newStore();
  }

  /**
   * Scans {@code loader} for {@code schemas/**.avsc}.
   *
   * @throws IllegalStateException when no schema is found or one does not parse: a packaging bug
   *     that must not surface later as "unknown fingerprint" on live traffic
   */
  public static SchemaVersions scan(ClassLoader loader) {
    Map<String, String> texts;
    try {
      texts = readSchemaTexts(loader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the Avro schemas under " + ROOT + "/", e);
    }
    Map<String, String> currentTexts = new TreeMap<>();
    Map<String, String> versionTexts = new TreeMap<>();
    texts.forEach(
        (path, text) -> {
          if (path.startsWith(VERSIONS)) {
            versionTexts.put(path, text);
          } else if (path.indexOf('/') < 0) {
            currentTexts.put(path, text);
          }
        });
    if (currentTexts.isEmpty()) {
      throw new IllegalStateException(
          "no Avro schema found on the class path under "
              + ROOT
              + "/; is the schemas resource folder packaged?");
    }
    Map<String, Schema> currentTypes = new LinkedHashMap<>();
    Map<String, Schema> byPath = new TreeMap<>(parseCurrent(currentTexts, currentTypes));
    versionTexts.forEach((path, text) -> byPath.put(path, parseVersion(path, text, currentTypes)));
    return new SchemaVersions(byPath, currentTypes);
  }

  /**
   * Every schema found, by its path relative to {@code schemas/}, e.g. {@code
   * GenerationRequest.avsc} (current) or {@code versions/GenerationRequest/v1.avsc}.
   */
  public Map<String, Schema> byPath() {
    return byPath;
  }

  /** Every named type (record, enum, fixed) of the current schemas, by full name. */
  public Map<String, Schema> currentTypes() {
    return currentTypes;
  }

  /** The current schema and every kept older version of the named type {@code fullName}. */
  public List<Schema> versionsOf(String fullName) {
    List<Schema> versions = new ArrayList<>();
    for (Schema schema : byPath.values()) {
      if (isNamed(schema) && schema.getFullName().equals(fullName)) {
        versions.add(schema);
      }
    }
    return versions;
  }

  /** A new store holding every schema found. */
  public SchemaStore.Cache newStore() {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    byPath.values().forEach(cache::addSchema);
    return cache;
  }

  /** Hex form of the single-object fingerprint of {@code schema}, as in error messages. */
  public static String fingerprint(Schema schema) {
    return String.format("0x%016x", SchemaNormalization.parsingFingerprint64(schema));
  }

  // current schemas reference each other (e.g. Interaction -> Action): parse in rounds, each file
  // with the types known so far, until all parse or a round makes no progress
  private static Map<String, Schema> parseCurrent(
      Map<String, String> texts, Map<String, Schema> types) {
    Map<String, Schema> parsed = new LinkedHashMap<>();
    Map<String, RuntimeException> failures = new TreeMap<>();
    Map<String, String> pending = new TreeMap<>(texts);
    boolean progress = true;
    while (!pending.isEmpty() && progress) {
      progress = false;
      failures.clear();
      for (Iterator<Map.Entry<String, String>> it = pending.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, String> entry = it.next();
        Schema.Parser parser = new Schema.Parser().addTypes(types.values());
        try {
          parsed.put(entry.getKey(), parser.parse(entry.getValue()));
        } catch (RuntimeException e) {
          failures.put(entry.getKey(), e);
          continue;
        }
        types.putAll(parser.getTypes());
        it.remove();
        progress = true;
      }
    }
    if (!pending.isEmpty()) {
      StringBuilder message = new StringBuilder("cannot parse the current Avro schemas:");
      failures.forEach(
          (path, e) ->
              message.append(' ').append(ROOT).append('/').append(path).append(": ").append(e));
      throw new IllegalStateException(message.toString(), failures.values().iterator().next());
    }
    return parsed;
  }

  private static Schema parseVersion(String path, String text, Map<String, Schema> currentTypes) {
    try {
      Set<String> defined = new HashSet<>();
      definedNames(JSON.readTree(text), "", defined);
      List<Schema> known = new ArrayList<>();
      currentTypes.forEach(
          (name, schema) -> {
            if (!defined.contains(name)) {
              known.add(schema);
            }
          });
      return new Schema.Parser().addTypes(known).parse(text);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot parse " + ROOT + "/" + path + ": " + e, e);
    }
  }

  /** Collects the full names of the named types a schema's JSON defines (not references). */
  static void definedNames(JsonNode node, String namespace, Set<String> out) {
    if (node.isArray()) {
      node.forEach(element -> definedNames(element, namespace, out));
      return;
    }
    if (!node.isObject()) {
      return; // a primitive or a reference by name
    }
    JsonNode type = node.get("type");
    if (type == null) {
      return;
    }
    if (!type.isTextual()) {
      definedNames(type, namespace, out);
      return;
    }
    switch (type.asText()) {
      case "record", "error", "enum", "fixed" -> {
        String name = node.path("name").asText("");
        String ns = node.has("namespace") ? node.get("namespace").asText("") : namespace;
        int dot = name.lastIndexOf('.');
        if (dot >= 0) {
          ns = name.substring(0, dot);
        }
        out.add(dot >= 0 || ns.isEmpty() ? name : ns + "." + name);
        for (JsonNode field : node.path("fields")) {
          definedNames(field.path("type"), ns, out);
        }
      }
      case "array" -> definedNames(node.path("items"), namespace, out);
      case "map" -> definedNames(node.path("values"), namespace, out);
      default -> {
        // primitive, possibly with a logical type, or a reference
      }
    }
  }

  private static boolean isNamed(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> true;
      default -> false;
    };
  }

  /** Path relative to {@code schemas/} to JSON text; the first class path root wins. */
  private static Map<String, String> readSchemaTexts(ClassLoader loader) throws IOException {
    Map<String, String> texts = new TreeMap<>();
    for (URL root : Collections.list(loader.getResources(ROOT))) {
      switch (root.getProtocol()) {
        case "file" -> readDirectory(root, texts);
        case "jar" -> readJar(root, texts);
        default ->
            throw new IllegalStateException(
                "cannot list the schemas in " + root + ": only file: and jar: URLs are supported");
      }
    }
    if (texts.isEmpty()) {
      // a jar written without directory entries has no "schemas" resource: look inside every jar
      for (URL manifest : Collections.list(loader.getResources(JarFile.MANIFEST_NAME))) {
        if (manifest.getProtocol().equals("jar")) {
          readJar(manifest, texts);
        }
      }
    }
    return texts;
  }

  private static void readDirectory(URL root, Map<String, String> texts) throws IOException {
    Path dir;
    try {
      dir = Path.of(root.toURI());
    } catch (URISyntaxException e) {
      throw new IOException("bad class path URL " + root, e);
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(SUFFIX) && Files.isRegularFile(p)).toList();
    }
    for (Path file : files) {
      String relative =
          dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
      texts.putIfAbsent(relative, Files.readString(file, StandardCharsets.UTF_8));
    }
  }

  private static void readJar(URL url, Map<String, String> texts) throws IOException {
    URLConnection connection = url.openConnection();
    if (!(connection instanceof JarURLConnection jarConnection)) {
      throw new IOException("not a jar URL: " + url);
    }
    jarConnection.setUseCaches(false);
    String prefix = ROOT + "/";
    try (JarFile jar = jarConnection.getJarFile()) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if (!entry.isDirectory() && name.startsWith(prefix) && name.endsWith(SUFFIX)) {
          try (InputStream in = jar.getInputStream(entry)) {
            texts.putIfAbsent(
                name.substring(prefix.length()),
                new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      }
    }
  }
}
