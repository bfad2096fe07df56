package io.pigeonstreams.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** A topic with the serdes of its keys and values, so no wiring names a serde twice. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  public Consumed<K, V> consumed() {
    return Consumed.with(keySerde, valueSerde);
  }

  public Produced<K, V> produced() {
    return Produced.with(keySerde, valueSerde);
  }

  /** Where records of this topic that cannot be processed go. */
  public String deadLetterTopic() {
    return deadLetterTopic(name);
  }

  public static String deadLetterTopic(String topic) {
    return topic + "-dlq";
  }
}
