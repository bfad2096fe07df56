package io.pigeonstreams.engine.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.avro.VariantResults;
import io.pigeonstreams.engine.EngineConfig;
import io.pigeonstreams.engine.InputWrites;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.personalize.CatalogTokenizer;
import io.pigeonstreams.personalize.ClaimCheck;
import io.pigeonstreams.topology.PigeonTopology;
import io.pigeonstreams.topology.ServedImages;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The gallery: a page a person can use (served from the jar) and the JSON API under it, over the
 * engine's state through interactive queries. Reads: a user's history, the images generated for
 * them newest first (with scores, α values, model version, variant) and each as PNG, catalog
 * search, experiments and their reports, the model each instance serves. A key another instance
 * owns is answered by that instance ({@link StateQueries}). Writes go through Kafka ({@link
 * InputWrites}). Bound to {@code pigeon.http.host} (localhost unless configured otherwise).
 */
public final class Gallery implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gallery.class);

  private final Javalin app;
  private final String advertised;
  private final EngineConfig config;
  private final ClaimCheck claims;
  private final ObjectMapper json = new ObjectMapper();
  private volatile PigeonEngine engine;
  private volatile InputWrites writes;
  private StateQueries queries;
  private final GalleryExperiments experiments;

  private Gallery(EngineConfig config) {
    this.config = config;
    this.claims =
        new ClaimCheck(
            config.getInt("pigeon.claimcheck.threshold.bytes"),
            java.nio.file.Path.of(config.get("pigeon.claimcheck.dir")));
    this.experiments = new GalleryExperiments(json);
    String host = config.get("pigeon.http.host");
    int maxBody = config.getInt("pigeon.request.image.max.bytes") * 2 + 64 * 1024;
    RateLimiter reads =
        new RateLimiter(
            config.getInt("pigeon.http.reads.per.second"),
            // a page load fetches a few dozen thumbnails at once
            4.0 * config.getInt("pigeon.http.reads.per.second"));
    RateLimiter writes =
        new RateLimiter(
            config.getInt("pigeon.http.writes.per.second"),
            2.0 * config.getInt("pigeon.http.writes.per.second"));
    app =
        Javalin.create(
            c -> {
              c.jetty.host = host;
              c.jetty.port = config.getInt("pigeon.http.port");
              c.http.maxRequestSize = maxBody;
              c.startup.showJavalinBanner = false;
              c.staticFiles.add("/web", Location.CLASSPATH);
              c.routes.before(
                  "/api/*",
                  ctx -> {
                    boolean write = ctx.method() == io.javalin.http.HandlerType.POST;
                    if (!(write ? writes : reads).allow(ctx.ip(), System.nanoTime())) {
                      throw new io.javalin.http.HttpResponseException(
                          429,
                          "too many "
                              + (write ? "writes" : "reads")
                              + " from "
                              + ctx.ip()
                              + "; slow down");
                    }
                  });
              routes(c.routes);
              c.routes.exception(
                  InputWrites.Refused.class,
                  (e, ctx) -> ctx.status(400).json(new GalleryViews.Problem(e.getMessage())));
              c.routes.exception(
                  IllegalArgumentException.class,
                  (e, ctx) -> ctx.status(400).json(new GalleryViews.Problem(e.getMessage())));
            });
    app.start();
    String adv = config.get("pigeon.http.advertised.host");
    advertised = (adv.isBlank() ? host : adv) + ":" + app.port();
  }

  /** Starts serving (503 for the API until {@link #attach}); the port is known from here on. */
  public static Gallery start(EngineConfig config) {
    return new Gallery(config);
  }

  /** A gallery for {@code config}, or null when {@code pigeon.http.port} is -1 (off). */
  public static Gallery startIfEnabled(EngineConfig config) {
    return config.getInt("pigeon.http.port") < 0 ? null : start(config);
  }

  /** {@code config} with this gallery as Kafka Streams' {@code application.server}. */
  public EngineConfig advertiseIn(EngineConfig config) {
    return config.with("application.server", advertised);
  }

  /** The page's address. */
  public String url() {
    return "http://" + advertised + "/";
  }

  /** Where other instances reach this one: Kafka Streams' {@code application.server}. */
  public String applicationServer() {
    return advertised;
  }

  public int port() {
    return app.port();
  }

  /**
   * Serves {@code engine}'s state from now on (it must have been built with this gallery's host).
   */
  public void attach(PigeonEngine engine) {
    this.queries = new StateQueries(HostInfo.buildFromEndpoint(advertised));
    this.writes = new InputWrites(config, engine.topics());
    this.engine = engine;
  }

  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * A served image's PNG: inline, or read through the claim check (only inside its folder); null
   * when it is neither or cannot be read.
   */
  private byte[] png(ServedImage s) {
    if (s.getImage() != null) {
      return StickerImage.bytes(s.getImage());
    }
    if (s.getImageUri() == null) {
      return null;
    }
    try {
      return claims.read(s.getImageUri(), CatalogTokenizer.MAX_CLAIMED_IMAGE_BYTES);
    } catch (java.io.IOException e) {
      LOG.warn("image {} not served: {}", s.getImageId(), e.getMessage());
      return null;
    }
  }

  private void routes(io.javalin.config.RoutesConfig r) {
    r.get("/api/instance", ctx -> ctx.json(instance()));
    r.get("/api/instances", this::instances);
    r.get(
        "/api/users/{user}/history",
        ctx ->
            answer(
                ctx,
                PigeonTopology.HISTORY_STORE,
                ctx.pathParam("user"),
                p -> {
                  ReadOnlyKeyValueStore<String, UserHistory> s =
                      StateQueries.store(streams(), PigeonTopology.HISTORY_STORE, p);
                  return GalleryViews.History.of(
                      ctx.pathParam("user"), s.get(ctx.pathParam("user")));
                }));
    r.get(
        "/api/users/{user}/images",
        ctx -> {
          int limit =
              Math.max(
                  1, Math.min(200, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(24)));
          String user = ctx.pathParam("user");
          answer(
              ctx,
              PigeonTopology.USER_IMAGES_STORE,
              user,
              p ->
                  ServedImages.newest(
                          StateQueries.store(streams(), PigeonTopology.USER_IMAGES_STORE, p),
                          StateQueries.<ServedImage>store(
                              streams(), PigeonTopology.SERVED_STORE, p),
                          user,
                          limit)
                      .stream()
                      .map(GalleryViews.Image::of)
                      .toList());
        });
    r.get(
        "/api/users/{user}/image.png", // ?id=IMAGE (image ids hold slashes)
        ctx ->
            answer(
                ctx,
                PigeonTopology.SERVED_STORE,
                ctx.pathParam("user"),
                p -> {
                  ServedImage s =
                      StateQueries.<ServedImage>store(streams(), PigeonTopology.SERVED_STORE, p)
                          .get(ctx.queryParamAsClass("id", String.class).getOrDefault(""));
                  return s == null || !s.getUserId().equals(ctx.pathParam("user")) ? null : png(s);
                }));
    r.get("/api/catalog", this::catalog);
    r.get(
        "/api/catalog/image.png", // ?id=ITEM (item ids hold slashes)
        ctx -> {
          String id = ctx.queryParamAsClass("id", String.class).getOrDefault("");
          CatalogEntry e = catalogStore().get(id);
          if (e == null) {
            ctx.status(404).json(new GalleryViews.Problem("no item " + id));
          } else {
            ctx.contentType("image/png")
                .header("Cache-Control", "max-age=3600")
                .result(
                    StickerImage.toPng(StickerImage.fromRaw(StickerImage.bytes(e.getRaster()))));
          }
        });
    r.get("/api/experiments", ctx -> experiments.list(ctx, engine()));
    r.get(
        "/api/experiments/{id}/report",
        ctx -> {
          engine();
          experiments.report(ctx, engine(), queries);
        });
    r.get(
        "/api/internal/results/{key}",
        ctx ->
            answer(
                ctx,
                PigeonTopology.RESULTS_STORE,
                ctx.pathParam("key"),
                p -> {
                  VariantResults v =
                      StateQueries.<VariantResults>store(streams(), PigeonTopology.RESULTS_STORE, p)
                          .get(ctx.pathParam("key"));
                  return v == null ? Map.of() : GalleryExperiments.moments(v);
                }));
    r.post(
        "/api/requests",
        ctx -> {
          String id =
              writes()
                  .request(
                      body(ctx, InputWrites.RequestBody.class),
                      item -> catalogStore().get(item) != null);
          ctx.status(202).json(new GalleryViews.Accepted(id, "generation-requests"));
        });
    r.post(
        "/api/reactions",
        ctx -> {
          InputWrites.ReactionBody b = body(ctx, InputWrites.ReactionBody.class);
          writes().reaction(b);
          ctx.status(202).json(new GalleryViews.Accepted(b.imageId(), "interactions"));
        });
  }

  private <T> T body(Context ctx, Class<T> type) throws InputWrites.Refused {
    try {
      return json.readValue(ctx.bodyAsBytes(), type);
    } catch (java.io.IOException e) {
      throw new InputWrites.Refused("the body is not the JSON expected: " + e.getMessage());
    }
  }

  private PigeonEngine engine() {
    PigeonEngine e = engine;
    if (e == null) {
      throw new NotReady();
    }
    return e;
  }

  private KafkaStreams streams() {
    return engine().streams();
  }

  private InputWrites writes() {
    engine();
    return writes;
  }

  private ReadOnlyKeyValueStore<String, CatalogEntry> catalogStore() {
    return engine().catalogStore();
  }

  /** The engine is not attached or not running yet: 503. */
  static final class NotReady extends RuntimeException {
    NotReady() {
      super("the engine is starting");
    }
  }

  private void answer(
      Context ctx, String store, String key, java.util.function.Function<Integer, Object> local) {
    if (engine == null) {
      ctx.status(503).json(new GalleryViews.Problem("the engine is starting"));
      return;
    }
    queries.answer(ctx, streams(), store, key, local);
  }

  private GalleryViews.Instance instance() {
    PigeonEngine e = engine;
    return e == null
        ? new GalleryViews.Instance(advertised, null, List.of(), false)
        : new GalleryViews.Instance(
            advertised, e.modelVersion(), List.copyOf(e.variantModels()), e.isReady());
  }

  private void instances(Context ctx) throws Exception {
    List<Object> out = new ArrayList<>();
    out.add(instance());
    if (engine != null) {
      for (StreamsMetadata m : streams().metadataForAllStreamsClients()) {
        HostInfo h = m.hostInfo();
        if (h.equals(HostInfo.buildFromEndpoint(advertised)) || h.port() < 0) {
          continue;
        }
        String body = queries.get(h, "/api/instance");
        out.add(
            body == null
                ? new GalleryViews.Instance(h.host() + ":" + h.port(), null, List.of(), false)
                : json.readTree(body));
      }
    }
    ctx.json(out);
  }

  private void catalog(Context ctx) {
    String q = ctx.queryParamAsClass("q", String.class).getOrDefault("").toLowerCase(Locale.ROOT);
    int limit =
        Math.max(1, Math.min(200, ctx.queryParamAsClass("limit", Integer.class).getOrDefault(48)));
    List<GalleryViews.CatalogItem> out = new ArrayList<>();
    try (KeyValueIterator<String, CatalogEntry> it = catalogStore().all()) {
      while (it.hasNext() && out.size() < limit) {
        CatalogEntry e = it.next().value;
        if (e == null || e.getItemId().startsWith("generated/")) {
          continue;
        }
        if (q.isEmpty()
            || e.getItemId().toLowerCase(Locale.ROOT).contains(q)
            || e.getCaption().toLowerCase(Locale.ROOT).contains(q)) {
          out.add(
              new GalleryViews.CatalogItem(
                  e.getItemId(),
                  e.getCaption(),
                  e.getCategory(),
                  e.getStyle(),
                  "/api/catalog/image.png?id=" + encode(e.getItemId())));
        }
      }
    }
    ctx.json(out);
  }

  @Override
  public void close() {
    app.stop();
    InputWrites w = writes;
    if (w != null) {
      w.close();
    }
  }
}
