package io.pigeonstreams.topology;

import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.personalize.HistoryPolicy;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** interactions → user-history: applies the {@link HistoryPolicy} to each user's stored history. */
final class HistoryProcessor implements Processor<String, Interaction, Void, Void> {

  private final HistoryPolicy policy;
  private HistoryStore store;

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
    store.put(userId, policy.apply(store.history(userId), AvroMapping.historyItem(event)));
  }
}
