package io.pigeonstreams.topology;

import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.personalize.HistoryPolicy;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** interactions → user-history: applies the {@link HistoryPolicy} to each user's stored history. */
final class HistoryProcessor implements Processor<String, Interaction, Void, Void> {

  private final HistoryPolicy policy;
  private KeyValueStore<String, UserHistory> store;

  HistoryProcessor(HistoryPolicy policy) {
    this.policy = policy;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(PigeonTopology.HISTORY_STORE);
  }

  @Override
  public void process(Record<String, Interaction> record) {
    Interaction event = record.value();
    // a bad one goes to interactions-dlq through the processing exception handler, with the reason
    String userId = InputChecks.interactionUser(record.key(), event);
    store.put(
        userId,
        AvroMapping.userHistory(
            policy.apply(AvroMapping.history(store.get(userId)), AvroMapping.historyItem(event))));
  }
}
