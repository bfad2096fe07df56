package io.pigeonstreams.engine.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over the engine's partitioned stores: the instance that owns a key's
 * partition answers it ({@link KafkaStreams#queryMetadataForKey}); a request for a key another
 * instance owns is forwarded to that instance's gallery (its {@code application.server}) and its
 * answer passed on. A forwarded request is answered locally, never forwarded again.
 */
final class StateQueries {

  /** Marks a request one instance forwarded to another. */
  static final String FORWARDED = "X-Pigeon-Forwarded";

  private final HostInfo self;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  StateQueries(HostInfo self) {
    this.self = self;
  }

  /** This instance, as the others reach it. */
  HostInfo self() {
    return self;
  }

  /** A key-value store of this instance, restricted to {@code partition} (-1: all of them). */
  static <V> ReadOnlyKeyValueStore<String, V> store(
      KafkaStreams streams, String name, int partition) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> q =
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
    return streams.store(partition < 0 ? q : q.withPartition(partition));
  }

  /**
   * Answers {@code ctx} from the instance owning {@code key} in store {@code storeName}: here with
   * {@code local} (given the key's partition), or by forwarding the request there.
   *
   * @return whether it was answered here (false: forwarded)
   */
  boolean answer(
      Context ctx,
      KafkaStreams streams,
      String storeName,
      String key,
      Function<Integer, Object> local) {
    KeyQueryMetadata md = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
    HostInfo owner = md == null ? null : md.activeHost();
    boolean here =
        owner == null
            || owner.equals(HostInfo.unavailable())
            || owner.equals(self)
            || ctx.header(FORWARDED) != null;
    if (!here) {
      forward(ctx, owner);
      return false;
    }
    try {
      Object out = local.apply(md == null ? -1 : md.partition());
      if (out instanceof byte[] png) {
        ctx.contentType("image/png").result(png);
      } else if (out == null) {
        ctx.status(404).json(new GalleryViews.Problem("not found: " + key));
      } else {
        ctx.json(out);
      }
    } catch (InvalidStateStoreException e) {
      ctx.status(503)
          .header("Retry-After", "1")
          .json(
              new GalleryViews.Problem("state not queryable now (rebalancing): " + e.getMessage()));
    }
    return true;
  }

  /** Passes {@code ctx}'s GET on to {@code owner} and its answer back. */
  void forward(Context ctx, HostInfo owner) {
    String query = ctx.queryString();
    URI uri =
        URI.create(
            "http://"
                + owner.host()
                + ":"
                + owner.port()
                + ctx.path()
                + (query == null || query.isEmpty() ? "" : "?" + query));
    try {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(10))
                  .header(FORWARDED, self.host() + ":" + self.port())
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      ctx.status(r.statusCode());
      r.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
      ctx.header("X-Pigeon-Answered-By", owner.host() + ":" + owner.port());
      ctx.result(r.body());
    } catch (IOException e) {
      ctx.status(502).json(new GalleryViews.Problem("instance " + owner + " did not answer: " + e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ctx.status(503).json(new GalleryViews.Problem("interrupted"));
    }
  }

  /** GETs {@code path} from {@code host} as JSON text, or null when it does not answer. */
  String get(HostInfo host, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + path))
                  .timeout(Duration.ofSeconds(5))
                  .header(FORWARDED, self.host() + ":" + self.port())
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
