package io.pigeonstreams.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.e2e.Await;
import io.pigeonstreams.engine.EngineComponents;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.kafka.CommittedReader;
import io.pigeonstreams.kafka.EmbeddedKafkaCluster;
import io.pigeonstreams.topology.Topics;
import io.pigeonstreams.workload.Records;
import io.pigeonstreams.workload.TopicProducer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gallery's API on two engine instances sharing one application on a real broker: every user's
 * state is answered by whichever instance is asked (keys the other owns are forwarded), and writes
 * become the same records any producer would send, bad ones refused with the reason.
 */
class GalleryTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> get(Gallery g, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(Gallery g, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswerEveryUserFromEitherInstanceAndTakeWritesThroughKafka(@TempDir Path state)
      throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
      List<Gallery> galleries = new ArrayList<>();
      List<PigeonEngine> engines = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          EngineConfig config =
              EngineConfig.of(
                  Map.of(
                      "bootstrap.servers",
                      kafka.bootstrapServers(),
                      "application.id",
                      "pigeon-gallery-test",
                      "state.dir",
                      state.resolve("instance-" + i).toString(),
                      "pigeon.topics.partitions",
                      "4",
                      "pigeon.http.port",
                      "0",
                      "pigeon.http.reads.per.second",
                      "0", // the test polls fast; writes keep their limit (checked below)
                      // every image through the claim check (a folder both share), so that the
                      // gallery serves them from there
                      "pigeon.claimcheck.threshold.bytes",
                      "0",
                      "pigeon.claimcheck.dir",
                      state.resolve("claims").toString()));
          Gallery g = Gallery.start(config);
          galleries.add(g);
          PigeonEngine e = new PigeonEngine(g.advertiseIn(config), EngineComponents.retrieval());
          engines.add(e);
          g.attach(e);
          e.start();
        }
        Gallery a = galleries.get(0);
        Gallery b = galleries.get(1);
        Await.until(
            () -> engines.stream().allMatch(PigeonEngine::isReady),
            "both instances running",
            Duration.ofSeconds(90));
        Topics topics = engines.get(0).topics();

        // Given a catalog, and 12 users who liked two items each and asked for one sticker
        StickerDataset ds = TestData.dataset();
        List<String> users = new ArrayList<>();
        try (TopicProducer producer = TopicProducer.connect(kafka.bootstrapServers(), 5)) {
          for (int e = 0; e < 6; e++) {
            producer.send(
                topics.items,
                "google/" + e,
                Records.item("google/" + e, ds.image(e, 0), "emoji " + e, "", "google"));
          }
          producer.flush();
          Await.until(
              () -> engines.get(1).catalogStore().get("google/5") != null,
              "catalog",
              Duration.ofSeconds(60));
          for (int u = 0; u < 12; u++) {
            String user = "gallery-user-" + u;
            users.add(user);
            for (int e = 0; e < 2; e++) {
              producer.send(
                  topics.interactions,
                  user,
                  Records.interaction(user, "google/" + ((u + e) % 5), Action.LIKE, 10 + e));
            }
          }
          producer.flush();
          for (String user : users) {
            producer.send(
                topics.requests, user, Records.request("r-" + user, user, "google/5").build());
          }
          producer.flush();
        }

        // Then each user's history and stickers come from either instance, the same
        int forwarded = 0;
        for (String user : users) {
          Await.until(
              () -> {
                try {
                  return json.readTree(get(a, "/api/users/" + user + "/images").body()).size() == 1;
                } catch (Exception ex) {
                  return false;
                }
              },
              "the sticker of " + user,
              Duration.ofSeconds(60));
          HttpResponse<String> fromA = get(a, "/api/users/" + user + "/history");
          HttpResponse<String> fromB = get(b, "/api/users/" + user + "/history");
          assertThat(fromA.statusCode()).isEqualTo(200);
          assertThat(fromA.body()).isEqualTo(fromB.body());
          assertThat(json.readTree(fromA.body()).get("positives")).hasSize(2);
          forwarded += fromA.headers().firstValue("X-Pigeon-Answered-By").isPresent() ? 1 : 0;
          JsonNode images = json.readTree(get(b, "/api/users/" + user + "/images").body());
          assertThat(images.get(0).get("requestId").asText()).isEqualTo("r-" + user);
          assertThat(images.get(0).get("modelVersion").asText()).isEqualTo("nearest-history-v1");
          HttpResponse<String> png = get(a, images.get(0).get("png").asText());
          assertThat(png.statusCode())
              .as(png.body() + " for " + images.get(0).get("png").asText())
              .isEqualTo(200);
          assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
          assertThat(png.body()).contains("IHDR");
        }
        // (with 4 partitions over 2 instances, some users live on the other one)
        assertThat(forwarded).isPositive().isLessThan(users.size());
        assertThat(json.readTree(get(a, "/api/instances").body())).hasSize(2);
        assertThat(json.readTree(get(b, "/api/catalog?q=emoji 3".replace(" ", "%20")).body()))
            .hasSize(1);

        // And bad writes are refused with the reason, nothing produced
        assertThat(post(a, "/api/requests", "{\"userId\":\"x\",\"referenceItemId\":\"nope/1\"}"))
            .satisfies(r -> assertThat(r.statusCode()).isEqualTo(400))
            .satisfies(r -> assertThat(r.body()).contains("not in the catalog"));
        assertThat(
                post(
                        a,
                        "/api/requests",
                        "{\"userId\":\"x\",\"referenceItemId\":\"google/1\",\"alphaH\":2}")
                    .body())
            .contains("alphaH must be in [0, 1]");
        assertThat(
                post(a, "/api/requests", "{\"userId\":\"x\",\"referenceImage\":\"bm90IGEgcG5n\"}")
                    .body())
            .contains("referenceImage");
        assertThat(post(a, "/api/requests", "not json").statusCode()).isEqualTo(400);
        assertThat(
                post(
                        a,
                        "/api/reactions",
                        "{\"userId\":\"x\",\"imageId\":\"i\",\"action\":\"LOVE\"}")
                    .body())
            .contains("action must be one of");

        // And a good request is answered, and a like lands on interactions and on the image
        String user = users.get(0);
        HttpResponse<String> made =
            post(
                b,
                "/api/requests",
                "{\"userId\":\"" + user + "\",\"referenceItemId\":\"google/4\"}");
        assertThat(made.statusCode()).isEqualTo(202);
        String requestId = json.readTree(made.body()).get("id").asText();
        Await.until(
            () -> {
              try {
                JsonNode imgs = json.readTree(get(a, "/api/users/" + user + "/images").body());
                return imgs.size() == 2 && imgs.get(0).get("requestId").asText().equals(requestId);
              } catch (Exception ex) {
                return false;
              }
            },
            "the new sticker, newest first",
            Duration.ofSeconds(60));
        String imageId =
            json.readTree(get(a, "/api/users/" + user + "/images").body())
                .get(0)
                .get("imageId")
                .asText();
        assertThat(
                post(
                        a,
                        "/api/reactions",
                        "{\"userId\":\""
                            + user
                            + "\",\"imageId\":\""
                            + imageId
                            + "\",\"action\":\"like\"}")
                    .statusCode())
            .isEqualTo(202);
        List<Interaction> seen =
            CommittedReader.read(
                kafka.bootstrapServers(),
                topics.interactions.name(),
                topics.interactions.valueSerde().deserializer(),
                25,
                Duration.ofSeconds(30),
                Duration.ofMillis(200));
        assertThat(seen)
            .anySatisfy(
                i -> {
                  assertThat(i.getGeneratedImageId()).isEqualTo(imageId);
                  assertThat(i.getAction()).isEqualTo(Action.LIKE);
                  assertThat(i.getUserId()).isEqualTo(user);
                });
        Await.until(
            () -> {
              try {
                return json.readTree(get(b, "/api/users/" + user + "/images").body())
                    .get(0)
                    .get("reaction")
                    .asText()
                    .equals("LIKE");
              } catch (Exception ex) {
                return false;
              }
            },
            "the like on the image",
            Duration.ofSeconds(60));

        // And a client that writes too fast is told to slow down (429), nothing produced
        int tooMany = 0;
        for (int i = 0; i < 30; i++) {
          if (post(a, "/api/reactions", "{}").statusCode() == 429) {
            tooMany++;
          }
        }
        assertThat(tooMany).isGreaterThanOrEqualTo(10);
      } finally {
        galleries.forEach(Gallery::close);
        engines.forEach(PigeonEngine::close);
      }
    }
  }
}
