package io.pigeonstreams.bench.chaos;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One engine as production runs it: {@code pigeon-streams run --config FILE} in its own JVM, with
 * its own state directory, killed with SIGKILL or stopped with SIGTERM from outside and started
 * again on the same state. Each start writes its own log file next to the config.
 */
public final class EngineProcess implements AutoCloseable {

  private static final Pattern HEALTH_PORT = Pattern.compile("readiness on http://[^:]+:(\\d+)/");

  private final String name;
  private final Path dir;
  private final Path config;
  private final List<String> jvmOptions;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Path> logs = new ArrayList<>();
  private Process process;
  private int healthPort = -1;

  /**
   * @param name the instance's name (its folder under {@code parent})
   * @param settings the engine's configuration ({@code state.dir} is set to the instance's own)
   * @param jvmOptions e.g. {@code -Xmx1g}
   */
  public EngineProcess(
      String name, Path parent, Map<String, String> settings, List<String> jvmOptions)
      throws IOException {
    this.name = name;
    this.dir = Files.createDirectories(parent.resolve(name));
    this.jvmOptions = List.copyOf(jvmOptions);
    Properties p = new Properties();
    p.putAll(settings);
    p.setProperty("state.dir", stateDir().toString());
    p.setProperty("pigeon.health.port", "0");
    this.config = dir.resolve("engine.properties");
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      p.store(out, "engine " + name);
    }
  }

  public String name() {
    return name;
  }

  /** Where this instance keeps its stores: survives kills, wiped on purpose by a scenario. */
  public Path stateDir() {
    return dir.resolve("state");
  }

  /** How many times this instance was started. */
  public synchronized int starts() {
    return logs.size();
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Starts the JVM; returns at once (see {@link #awaitReady}). */
  public synchronized void start() throws IOException {
    if (alive()) {
      throw new IllegalStateException(name + " is already running");
    }
    Path log = dir.resolve("engine-" + (logs.size() + 1) + ".log");
    logs.add(log);
    healthPort = -1;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info"));
    command.addAll(jvmOptions); // after the defaults: the last -D of a name wins
    command.addAll(
        List.of(
            "-cp",
            classPath(),
            "io.pigeonstreams.cli.PigeonCli",
            "run",
            "--config",
            config.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    // PIGEON_* variables would override the config file
    pb.environment().keySet().removeIf(k -> k.startsWith("PIGEON_"));
    process = pb.start();
  }

  /**
   * Waits until the engine says it is ready (its stores restored, its tasks running).
   *
   * @throws IllegalStateException when the JVM exits or is not ready in time
   */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!alive()) {
        throw new IllegalStateException(
            name + " exited with code " + exitCode() + " before it was ready (see " + log() + ")");
      }
      if (ready()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        name + " not ready within " + timeout.toSeconds() + " s (see " + log() + ")");
  }

  /** Whether {@code /health/ready} answers 200 now. */
  public boolean ready() {
    int port = healthPort();
    if (port < 0) {
      return false;
    }
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The JVM heap in use now, summed over the heap pools of the engine's {@code /metrics} ({@code
   * jvm_memory_used_bytes{area="heap"}}); NaN when it does not answer.
   */
  public double heapUsedMiB() {
    int port = healthPort();
    if (port < 0 || !alive()) {
      return Double.NaN;
    }
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double bytes = 0;
      boolean found = false;
      for (String line : body.split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? bytes / (1024.0 * 1024.0) : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** SIGKILL: no shutdown hook, no close, no commit, the group not told. */
  public void kill() throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + " (pid " + p.pid() + ") survived SIGKILL");
      }
    }
  }

  /** SIGTERM, as an orchestrator stops a pod: the engine closes and leaves its group. */
  public void stop(Duration grace) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    }
  }

  /** Resident memory of the running JVM (native memory included), from /proc; NaN when down. */
  public double residentMiB() {
    long pid = pid();
    if (pid < 0) {
      return Double.NaN;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not Linux
    }
    return Double.NaN;
  }

  /** The current start's log file. */
  public synchronized Path log() {
    return logs.isEmpty() ? null : logs.get(logs.size() - 1);
  }

  public synchronized List<Path> logs() {
    return List.copyOf(logs);
  }

  private synchronized Integer exitCode() {
    return process == null || process.isAlive() ? null : process.exitValue();
  }

  private int healthPort() {
    synchronized (this) {
      if (healthPort >= 0) {
        return healthPort;
      }
    }
    Path log = log();
    try {
      if (log != null && Files.exists(log)) {
        Matcher m = HEALTH_PORT.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
        if (m.find()) {
          synchronized (this) {
            healthPort = Integer.parseInt(m.group(1));
            return healthPort;
          }
        }
      }
    } catch (IOException e) {
      // not written yet
    }
    return -1;
  }

  /**
   * This JVM's class path, for the engine's: a forked surefire JVM may only have a manifest-only
   * booter jar on {@code java.class.path}, and names the real one in {@code
   * surefire.test.class.path}; {@code java -jar} has the jar, whose manifest names the libraries.
   */
  static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  /** SIGKILLs the JVM if it still runs. */
  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
