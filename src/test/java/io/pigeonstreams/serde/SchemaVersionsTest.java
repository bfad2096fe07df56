package io.pigeonstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.DeadLetter;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceScores;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.avro.Scenario;
import io.pigeonstreams.avro.Status;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaVersionsTest {

  static final List<Schema> GENERATED =
      List.of(
          Item.getClassSchema(),
          Interaction.getClassSchema(),
          GenerationRequest.getClassSchema(),
          GeneratedImage.getClassSchema(),
          PreferencePair.getClassSchema(),
          PreferenceScores.getClassSchema(),
          DeadLetter.getClassSchema(),
          Action.getClassSchema(),
          Scenario.getClassSchema(),
          Status.getClassSchema(),
          PreferenceSource.getClassSchema());

  @Test
  void shouldStoreTheSchemaOfEveryGeneratedClass() {
    // Given the schemas on the class path
    SchemaStore.Cache store = SchemaVersions.store();

    // Then the store resolves the fingerprint of every generated class to that class's schema
    for (Schema generated : GENERATED) {
      Schema found = store.findByFingerprint(SchemaNormalization.parsingFingerprint64(generated));
      assertThat(found).as(generated.getFullName()).isNotNull();
      assertThat(found.getFullName()).isEqualTo(generated.getFullName());
    }
  }

  @Test
  void shouldFindTheKeptGenerationRequestV1WithoutTheV2Fields() {
    // Given the schemas on the class path
    SchemaVersions versions = SchemaVersions.onClassPath();

    // When the kept v1 is looked up
    Schema v1 = versions.byPath().get("versions/GenerationRequest/v1.avsc");

    // Then it is there, without v2's fields, referencing the current Scenario, and in the store
    assertThat(v1).isNotNull();
    assertThat(v1.getFields()).extracting(Schema.Field::name).doesNotContain("candidates");
    assertThat(v1.getFields()).extracting(Schema.Field::name).doesNotContain("experimentVariant");
    assertThat(v1.getField("scenario").schema()).isEqualTo(Scenario.getClassSchema());
    assertThat(versions.versionsOf("io.pigeonstreams.avro.GenerationRequest")).contains(v1);
    assertThat(versions.versionsOf("io.pigeonstreams.avro.GenerationRequest"))
        .hasSizeGreaterThan(1);
    assertThat(
            SchemaVersions.store().findByFingerprint(SchemaNormalization.parsingFingerprint64(v1)))
        .isEqualTo(v1);
  }

  @Test
  void shouldKeepOnlyVersionsTheCurrentClassesCanRead() {
    // Given every kept version of every current type
    SchemaVersions versions = SchemaVersions.onClassPath();
    for (Schema current : versions.currentTypes().values()) {
      for (Schema old : versions.versionsOf(current.getFullName())) {
        // Then the current schema can read what that version wrote
        assertThat(
                SchemaCompatibility.checkReaderWriterCompatibility(current, old)
                    .getResult()
                    .getCompatibility())
            .as("%s reading %s", current.getFullName(), SchemaVersions.fingerprint(old))
            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      }
    }
  }

  @Test
  void shouldFileEachVersionUnderItsRecordsName() {
    // Given every version under versions/
    SchemaVersions.onClassPath()
        .byPath()
        .forEach(
            (path, schema) -> {
              if (path.startsWith(SchemaVersions.VERSIONS)) {
                // Then its folder is the name of the record it is a version of, of a current type
                String folder = path.split("/")[1];
                assertThat(schema.getName()).as(path).isEqualTo(folder);
                assertThat(SchemaVersions.onClassPath().currentTypes())
                    .as(path)
                    .containsKey(schema.getFullName());
              }
            });
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldFindTheSchemasInsideAJar(boolean directoryEntries, @TempDir Path tmp)
      throws IOException {
    // Given a jar holding the class path's schemas, with directory entries (as Maven writes them)
    // or without (as some tools do)
    Path classes = Path.of(classPathRoot("schemas")).getParent();
    Path jar = tmp.resolve("pigeon-streams.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        Stream<Path> walk = Files.walk(classes.resolve("schemas"))) {
      for (Path file : walk.sorted().toList()) {
        String name = classes.relativize(file).toString().replace('\\', '/');
        if (!Files.isDirectory(file)) {
          out.putNextEntry(new JarEntry(name));
          Files.copy(file, out);
          out.closeEntry();
        } else if (directoryEntries) {
          out.putNextEntry(new JarEntry(name + "/"));
          out.closeEntry();
        }
      }
    }

    // When a class loader that sees only the jar is scanned
    SchemaVersions fromJar;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      fromJar = SchemaVersions.scan(loader);
    }

    // Then it finds the same schemas as the class path directory
    assertThat(fromJar.byPath()).isEqualTo(SchemaVersions.onClassPath().byPath());
    assertThat(fromJar.byPath()).containsKey("versions/GenerationRequest/v1.avsc");
  }

  @Test
  void shouldFailLoudlyWhenNoSchemaIsOnTheClassPath(@TempDir Path tmp) throws IOException {
    // Given a class loader without any schemas folder
    try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null)) {
      // When it is scanned, then it says what is missing
      assertThatThrownBy(() -> SchemaVersions.scan(loader))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no Avro schema found on the class path under schemas/");
    }
  }

  @Test
  void shouldFailLoudlyOnAVersionThatDoesNotParse(@TempDir Path tmp) throws IOException {
    // Given a class path folder with a current schema and a broken old version
    Path dir = Files.createDirectories(tmp.resolve("schemas/versions/Thing"));
    Files.writeString(
        tmp.resolve("schemas/Thing.avsc"),
        "{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"t\", \"fields\": []}");
    Files.writeString(dir.resolve("v1.avsc"), "{\"type\": \"record\", \"name\": \"Thing\"");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null)) {
      // When it is scanned, then the failure names the file
      assertThatThrownBy(() -> SchemaVersions.scan(loader))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("schemas/versions/Thing/v1.avsc");
    }
  }

  @Test
  void shouldParseAVersionThatRedefinesACurrentEnumInline(@TempDir Path tmp) throws IOException {
    // Given current schemas in any order, and an old version with its own copy of the enum
    Path dir = Files.createDirectories(tmp.resolve("schemas/versions/Thing"));
    Files.writeString(
        tmp.resolve("schemas/A_Thing.avsc"),
        "{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"t\", \"fields\": ["
            + "{\"name\": \"color\", \"type\": \"t.Color\", \"default\": \"RED\"}]}");
    Files.writeString(
        tmp.resolve("schemas/B_Color.avsc"),
        "{\"type\": \"enum\", \"name\": \"Color\", \"namespace\": \"t\","
            + " \"symbols\": [\"UNKNOWN\", \"RED\", \"BLUE\"], \"default\": \"UNKNOWN\"}");
    Files.writeString(
        dir.resolve("v1.avsc"),
        "{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"t\", \"fields\": ["
            + "{\"name\": \"color\", \"type\": {\"type\": \"enum\", \"name\": \"Color\","
            + " \"symbols\": [\"RED\"]}}]}");
    Files.writeString(
        dir.resolve("v2.avsc"),
        "{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"t\", \"fields\": ["
            + "{\"name\": \"color\", \"type\": \"Color\"}, {\"name\": \"n\", \"type\": \"int\"}]}");

    // When it is scanned
    SchemaVersions versions;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null)) {
      versions = SchemaVersions.scan(loader);
    }

    // Then v1 keeps its own enum and v2 uses the current one
    assertThat(versions.versionsOf("t.Thing")).hasSize(3);
    Map<String, Schema> byPath = versions.byPath();
    assertThat(byPath.get("versions/Thing/v1.avsc").getField("color").schema().getEnumSymbols())
        .containsExactly("RED");
    assertThat(byPath.get("versions/Thing/v2.avsc").getField("color").schema())
        .isEqualTo(versions.currentTypes().get("t.Color"));
  }

  @Test
  void shouldCollectTheNamesASchemaDefinesNotThoseItReferences() throws IOException {
    // Given a schema defining types at several depths and namespaces, and referencing others
    String json =
        """
        {"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
          {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"]}},
          {"name": "f", "type": ["null", {"type": "fixed", "name": "c.F", "size": 2}]},
          {"name": "l", "type": {"type": "array", "items":
            {"type": "record", "name": "Inner", "namespace": "d", "fields": [
              {"name": "m", "type": {"type": "map", "values":
                {"type": "record", "name": "Deep", "fields": []}}}]}}},
          {"name": "r", "type": "io.pigeonstreams.avro.Scenario"},
          {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}}
        ]}
        """;
    Set<String> defined = new HashSet<>();

    // When its defined names are collected
    SchemaVersions.definedNames(new ObjectMapper().readTree(json), "", defined);

    // Then namespaces are inherited as Avro does, and references are left out
    assertThat(defined).containsExactlyInAnyOrder("a.b.Outer", "a.b.E", "c.F", "d.Inner", "d.Deep");
  }

  private static java.net.URI classPathRoot(String resource) {
    try {
      return SchemaVersionsTest.class.getClassLoader().getResource(resource).toURI();
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
