package io.pigeonstreams.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Liveness and readiness over HTTP for orchestrators: {@code /health/live} answers 200 while the
 * process runs; {@code /health/ready} answers 200 when Kafka Streams is RUNNING, 503 otherwise
 * (starting, rebalancing, restoring, or stopped); {@code /metrics} answers every meter in
 * Prometheus' text format.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  /** On the loopback interface only. */
  public HealthServer(int port, BooleanSupplier ready) throws IOException {
    this("127.0.0.1", port, ready, () -> "");
  }

  /** On the loopback interface only. */
  public HealthServer(int port, BooleanSupplier ready, Supplier<String> metrics)
      throws IOException {
    this("127.0.0.1", port, ready, metrics);
  }

  /**
   * @param host the address to listen on ({@code pigeon.health.host}: 127.0.0.1 unless configured,
   *     0.0.0.0 for probes and Prometheus from outside a container)
   */
  public HealthServer(String host, int port, BooleanSupplier ready, Supplier<String> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext(
        "/health/live",
        exchange -> {
          if (readOnly(exchange)) {
            answer(exchange, 200, "live");
          }
        });
    server.createContext(
        "/health/ready",
        exchange -> {
          if (readOnly(exchange)) {
            boolean ok = ready.getAsBoolean();
            answer(exchange, ok ? 200 : 503, ok ? "ready" : "not ready");
          }
        });
    server.createContext(
        "/metrics",
        exchange -> {
          if (!readOnly(exchange)) {
            return;
          }
          exchange
              .getResponseHeaders()
              .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          byte[] bytes = metrics.get().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The address it listens on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** GET and HEAD only: anything else is answered 405 (and its body is never read). */
  private static boolean readOnly(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    answer(exchange, 405, "method not allowed");
    return false;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
