package io.pigeonstreams.workload;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.SimulatedUser;
import io.pigeonstreams.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Simulated users' traffic, as the demo sends it: users interact and ask in turns (their first N
 * interactions build a history, then each turn is a request for the next item with a reference in
 * another style, and the interaction itself), followed by bad input on purpose: two invalid
 * requests the engine must answer REJECTED and two undecodable records it must dead-letter.
 */
public final class SimulatedTraffic {

  /** Two invalid requests and two undecodable records. */
  public static final int INVALID_REQUESTS = 2;

  public static final int UNDECODABLE_RECORDS = 2;

  /** A request that was sent: for whom, which emoji it asked for, in which reference style. */
  public record SentRequest(SimulatedUser user, int emoji, int referenceStyle) {}

  /** What was sent, requests in send order. */
  public record Sent(
      Map<String, SentRequest> requests, int interactions, int invalid, int undecodable) {
    public Sent {
      requests = Collections.unmodifiableMap(new LinkedHashMap<>(requests));
    }
  }

  private final StickerDataset dataset;
  private final Benchmark benchmark;
  private final int candidates;

  /**
   * @param candidates candidates per valid request (the demo's 11: alpha_r 0.0, 0.1, ..., 1.0)
   */
  public SimulatedTraffic(StickerDataset dataset, Benchmark benchmark, int candidates) {
    this.dataset = dataset;
    this.benchmark = benchmark;
    this.candidates = candidates;
  }

  public static String userId(SimulatedUser u) {
    return "user-" + u.id();
  }

  /**
   * Sends up to {@code requests} valid requests (fewer if {@code duration}, when not null, runs out
   * first) with the users' interactions, then the bad input, and flushes.
   *
   * @param beforeRequest told each request id just before the request is sent (an answer collector
   *     must know a request before its answer can arrive)
   */
  public Sent send(
      TopicProducer producer,
      Topics topics,
      int requests,
      Duration duration,
      Consumer<String> beforeRequest) {
    Map<String, SentRequest> sent = new LinkedHashMap<>();
    int interactions = 0;
    long start = System.currentTimeMillis();
    long ts = start;
    int n = benchmark.config().historyLength();
    int styles = dataset.styleCount();
    outer:
    for (int pos = 0; pos < benchmark.config().sequenceLength(); pos++) {
      for (SimulatedUser u : benchmark.users()) {
        if (sent.size() >= requests
            || (duration != null && System.currentTimeMillis() - start > duration.toMillis())) {
          break outer;
        }
        var next = u.interactions().get(pos);
        if (pos >= n) {
          // a request for the next item, with the reference in another style than the user's
          int refStyle = (u.preferredStyle() + 1 + (pos % (styles - 1))) % styles;
          String requestId = "req-" + u.id() + "-" + pos;
          GenerationRequest request =
              Records.request(
                      requestId, userId(u), StickerCatalog.itemId(dataset, next.emoji(), refStyle))
                  .setCandidates(candidates)
                  .setTimestamp(Instant.ofEpochMilli(++ts))
                  .build();
          beforeRequest.accept(requestId);
          producer.send(topics.requests, userId(u), request);
          sent.put(requestId, new SentRequest(u, next.emoji(), refStyle));
        }
        producer.send(
            topics.interactions,
            userId(u),
            Records.interaction(
                userId(u),
                StickerCatalog.itemId(dataset, next.emoji(), next.style()),
                pos % 3 == 0 ? Action.VIEW : Action.LIKE,
                ++ts));
        interactions++;
      }
    }
    // bad input on purpose: what the engine must survive and answer
    SimulatedUser first = benchmark.users().get(0);
    GenerationRequest badAlpha =
        Records.request("req-bad-alpha", userId(first), StickerCatalog.itemId(dataset, 0, 0))
            .setAlphaH(1.5)
            .setTimestamp(Instant.ofEpochMilli(++ts))
            .build();
    GenerationRequest unknownRef =
        GenerationRequest.newBuilder(badAlpha)
            .setRequestId("req-unknown-ref")
            .setAlphaH(null)
            .setReferenceItemId("no/such-item")
            .build();
    for (GenerationRequest r : List.of(badAlpha, unknownRef)) {
      beforeRequest.accept(r.getRequestId());
      producer.send(topics.requests, userId(first), r);
      sent.put(r.getRequestId(), new SentRequest(first, 0, 0));
    }
    producer.sendUndecodable(topics.interactions, userId(first), new byte[] {0x42});
    producer.sendUndecodable(topics.requests, userId(first), new byte[] {0x13, 0x37});
    producer.flush();
    return new Sent(sent, interactions, INVALID_REQUESTS, UNDECODABLE_RECORDS);
  }
}
