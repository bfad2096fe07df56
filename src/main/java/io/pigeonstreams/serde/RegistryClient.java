package io.pigeonstreams.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A small client of the Confluent Schema Registry REST API — the subset that Confluent Schema
 * Registry, Apicurio ({@code /apis/ccompat/v7}), Karapace and Redpanda all serve: register a
 * subject's schema, look one up, fetch a schema by id, and ask whether a schema is compatible with
 * a subject's latest version. Ids and schemas are cached: each is asked for once per process.
 *
 * <p>Why not a serde library: Confluent's serdes are not on Maven Central, and Apicurio's v3 serdes
 * speak Apicurio's own API, which Confluent's registry, Karapace and Redpanda do not serve. The
 * wire format and this REST subset are small and stable; a hundred lines speak to all four.
 */
public final class RegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Map<String, RegistryClient> SHARED = new ConcurrentHashMap<>();

  private final String base;
  private final String authorization;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();

  /**
   * @param url the registry's base URL (e.g. {@code http://registry:8081} or Apicurio's {@code
   *     http://apicurio:8080/apis/ccompat/v7})
   * @param userInfo {@code user:password} for HTTP basic authentication, or null; credentials in
   *     the URL ({@code http://user:password@registry:8081}) are used when it is null, and never
   *     kept in the URL this client names in its messages
   */
  public RegistryClient(String url, String userInfo) {
    URI parsed = URI.create(url);
    if (parsed.getRawUserInfo() != null) {
      if (userInfo == null || userInfo.isBlank()) {
        userInfo = parsed.getUserInfo();
      }
      url = url.replace(parsed.getRawUserInfo() + "@", "");
    }
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.authorization =
        userInfo == null || userInfo.isBlank()
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  /** One client per registry URL in this process, so that every serde shares the caches. */
  public static RegistryClient shared(String url, String userInfo) {
    return SHARED.computeIfAbsent(url + "|" + userInfo, k -> new RegistryClient(url, userInfo));
  }

  /** Thrown when the registry refuses or cannot be reached. */
  public static final class RegistryException extends RuntimeException {
    RegistryException(String message) {
      super(message);
    }
  }

  /**
   * The id of {@code schema} under {@code subject}: registered (after the registry's compatibility
   * check against the subject's latest version) when {@code register}, else looked up.
   *
   * @throws RegistryException when the schema is incompatible, unknown (lookup), or the registry
   *     refuses, with the subject and the reason
   */
  public int idFor(String subject, Schema schema, boolean register) {
    String key = subject + "|" + schema.toString();
    Integer cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    int id;
    if (register) {
      List<String> problems = incompatibilities(subject, schema);
      if (!problems.isEmpty()) {
        throw new RegistryException(
            "schema "
                + schema.getFullName()
                + " is not compatible with subject '"
                + subject
                + "' in the registry: "
                + String.join("; ", problems));
      }
      id = post("/subjects/" + enc(subject) + "/versions", body(schema), subject).get("id").asInt();
    } else {
      id = post("/subjects/" + enc(subject), body(schema), subject).get("id").asInt();
    }
    ids.put(key, id);
    byId.putIfAbsent(id, schema);
    return id;
  }

  /**
   * Why {@code schema} may not follow the latest version of {@code subject} under the subject's
   * compatibility rule (empty: it may, or the subject is new).
   */
  public List<String> incompatibilities(String subject, Schema schema) {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                    uri(
                        "/compatibility/subjects/"
                            + enc(subject)
                            + "/versions/latest?verbose=true"))
                .POST(HttpRequest.BodyPublishers.ofString(body(schema))),
            subject);
    if (r.statusCode() == 404) {
      return List.of(); // no version yet: nothing to be compatible with
    }
    JsonNode n = parse(r, subject);
    if (n.path("is_compatible").asBoolean(false)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    n.path("messages").forEach(m -> out.add(m.asText()));
    if (out.isEmpty()) {
      out.add("the registry says it is not compatible (no reason given)");
    }
    return out;
  }

  /** The schema registered with {@code id}. */
  public Schema schema(int id) {
    return byId.computeIfAbsent(
        id,
        k -> {
          HttpResponse<String> r =
              send(HttpRequest.newBuilder(uri("/schemas/ids/" + k)).GET(), "schema id " + k);
          return new Schema.Parser().parse(parse(r, "schema id " + k).get("schema").asText());
        });
  }

  private JsonNode post(String path, String body, String what) {
    return parse(
        send(
            HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)),
            what),
        what);
  }

  private HttpResponse<String> send(HttpRequest.Builder b, String what) {
    b.header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return http.send(
          b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RegistryException("schema registry " + base + " unreachable (" + what + "): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted talking to the schema registry");
    }
  }

  private JsonNode parse(HttpResponse<String> r, String what) {
    JsonNode n;
    try {
      n = json.readTree(r.body());
    } catch (IOException e) {
      throw new RegistryException(
          "schema registry answered " + r.statusCode() + " with no JSON for " + what);
    }
    if (r.statusCode() / 100 != 2) {
      throw new RegistryException(
          "schema registry refused "
              + what
              + ": HTTP "
              + r.statusCode()
              + " "
              + n.path("error_code").asText("")
              + " "
              + n.path("message").asText(r.body()));
    }
    return n;
  }

  private String body(Schema schema) {
    try {
      return json.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
