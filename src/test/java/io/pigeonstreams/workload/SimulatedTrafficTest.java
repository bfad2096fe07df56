package io.pigeonstreams.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Benchmark;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.topology.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class SimulatedTrafficTest {

  private final StickerDataset ds = TestData.dataset();
  private final Topics topics = new Topics(Map.of());
  private final MockProducer<String, byte[]> mock =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  @Test
  void shouldSendHistoriesThenRequestsThenBadInputAndTellEachRequestBeforeSendingIt() {
    // Given ten simulated users
    Benchmark benchmark =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(42, 0.2).withUsers(10));
    List<String> told = new ArrayList<>();
    List<Integer> sentWhenTold = new ArrayList<>();

    // When twelve requests' worth of traffic is sent
    SimulatedTraffic.Sent sent;
    try (TopicProducer producer = new TopicProducer(mock)) {
      sent =
          new SimulatedTraffic(ds, benchmark, 11)
              .send(
                  producer,
                  topics,
                  12,
                  null,
                  id -> {
                    told.add(id);
                    sentWhenTold.add(requestsSent(id));
                  });
    }

    // Then 12 valid requests and the 2 invalid ones were sent, each told before it was sent
    assertThat(sent.requests()).hasSize(12 + SimulatedTraffic.INVALID_REQUESTS);
    assertThat(told).containsExactlyElementsOf(sent.requests().keySet());
    assertThat(sentWhenTold).containsOnly(0);
    List<GenerationRequest> requests = decoded(topics.requests.name(), true);
    assertThat(requests).hasSize(14);
    // the valid ones ask for 11 candidates, with a reference in another style than the user's
    for (GenerationRequest r : requests.subList(0, 12)) {
      assertThat(r.getCandidates()).isEqualTo(11);
      SimulatedTraffic.SentRequest s = sent.requests().get(r.getRequestId());
      assertThat(s.referenceStyle()).isNotEqualTo(s.user().preferredStyle());
      assertThat(r.getReferenceItemId())
          .isEqualTo(StickerCatalog.itemId(ds, s.emoji(), s.referenceStyle()));
    }
    assertThat(requests.get(12).getAlphaH()).isEqualTo(1.5);
    assertThat(requests.get(13).getReferenceItemId()).isEqualTo("no/such-item");
    // every user's history came first: N interactions each before the first request
    int historyLength = benchmark.config().historyLength();
    List<Interaction> interactions = decoded(topics.interactions.name(), true);
    assertThat(interactions).hasSize(sent.interactions());
    assertThat(sent.interactions()).isGreaterThanOrEqualTo(10 * historyLength + 12);
    // and one undecodable record on each of the two input topics
    assertThat(undecodable(topics.interactions.name())).isEqualTo(1);
    assertThat(undecodable(topics.requests.name())).isEqualTo(1);
    assertThat(sent.undecodable()).isEqualTo(2);
  }

  private int requestsSent(String id) {
    return (int)
        mock.history().stream()
            .filter(r -> r.topic().equals(topics.requests.name()))
            .filter(r -> decode(r) instanceof GenerationRequest g && g.getRequestId().equals(id))
            .count();
  }

  private Object decode(ProducerRecord<String, byte[]> r) {
    try {
      return r.topic().equals(topics.requests.name())
          ? topics.requests.valueSerde().deserializer().deserialize(r.topic(), r.value())
          : topics.interactions.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RuntimeException undecodable) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private <T> List<T> decoded(String topic, boolean skipUndecodable) {
    List<T> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : mock.history()) {
      if (r.topic().equals(topic)) {
        Object v = decode(r);
        if (v != null || !skipUndecodable) {
          out.add((T) v);
        }
      }
    }
    return out;
  }

  private long undecodable(String topic) {
    return mock.history().stream()
        .filter(r -> r.topic().equals(topic))
        .filter(r -> decode(r) == null)
        .count();
  }
}
