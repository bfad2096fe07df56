package io.pigeonstreams.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A test double of a schema registry: the subset of the Confluent REST API the engine speaks
 * (register, look up, schema by id, compatibility with the latest version, verbose), in memory,
 * with BACKWARD compatibility checked by Avro's own {@link SchemaCompatibility}. Also counts the
 * requests, so that tests can check the client's caching.
 */
public final class InTestSchemaRegistry implements AutoCloseable {

  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();
  private final List<Schema> schemas = new ArrayList<>(); // id - 1
  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
  private volatile int requests;

  public InTestSchemaRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int requests() {
    return requests;
  }

  /** Registers {@code schema} under {@code subject} directly (as another team's producer would). */
  public synchronized int register(String subject, Schema schema) {
    int id = schemas.indexOf(schema) + 1;
    if (id == 0) {
      schemas.add(schema);
      id = schemas.size();
    }
    List<Integer> versions = subjects.computeIfAbsent(subject, k -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  private synchronized void handle(HttpExchange x) throws IOException {
    requests++;
    String path = x.getRequestURI().getPath();
    String[] p = path.split("/");
    try {
      if (x.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
        int id = Integer.parseInt(p[3]);
        if (id < 1 || id > schemas.size()) {
          answer(x, 404, Map.of("error_code", 40403, "message", "Schema " + id + " not found"));
        } else {
          answer(x, 200, Map.of("schema", schemas.get(id - 1).toString()));
        }
        return;
      }
      Schema schema =
          new Schema.Parser().parse(json.readTree(x.getRequestBody()).get("schema").asText());
      if (path.startsWith("/compatibility/subjects/")) {
        List<Integer> versions = subjects.get(decode(p[3]));
        if (versions == null) {
          answer(x, 404, Map.of("error_code", 40401, "message", "Subject not found"));
          return;
        }
        Schema latest = schemas.get(versions.get(versions.size() - 1) - 1);
        var result = SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getResult();
        boolean ok =
            result.getCompatibility() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
        List<String> messages = new ArrayList<>();
        result
            .getIncompatibilities()
            .forEach(
                i -> messages.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
        answer(x, 200, Map.of("is_compatible", ok, "messages", messages));
      } else if (path.endsWith("/versions") && path.startsWith("/subjects/")) {
        answer(x, 200, Map.of("id", register(decode(p[2]), schema)));
      } else if (path.startsWith("/subjects/")) {
        String subject = decode(p[2]);
        int id = schemas.indexOf(schema) + 1;
        if (id == 0 || !subjects.getOrDefault(subject, List.of()).contains(id)) {
          answer(x, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
          answer(x, 200, Map.of("subject", subject, "id", id, "schema", schema.toString()));
        }
      } else {
        answer(x, 404, Map.of("error_code", 404, "message", "no such endpoint " + path));
      }
    } catch (RuntimeException e) {
      answer(x, 422, Map.of("error_code", 42201, "message", String.valueOf(e.getMessage())));
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private void answer(HttpExchange x, int status, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The JSON of a request body, for tests that look. */
  JsonNode parse(String s) throws IOException {
    return json.readTree(s);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
