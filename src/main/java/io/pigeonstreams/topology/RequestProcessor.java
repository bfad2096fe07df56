package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.UserHistory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * generation-requests → join user-history and the catalog → mask → generate → one GeneratedImage
 * (and maybe a PreferencePair) forwarded downstream. The work is the {@link Personalizer}'s; this
 * class only reads the stores and forwards.
 */
final class RequestProcessor
    implements Processor<String, GenerationRequest, String, SpecificRecord> {

  private final Personalizer personalizer;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, UserHistory> history;
  private ReadOnlyKeyValueStore<String, ValueAndTimestamp<CatalogEntry>> catalog;

  RequestProcessor(Personalizer personalizer) {
    this.personalizer = personalizer;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.history = context.getStateStore(PigeonTopology.HISTORY_STORE);
    this.catalog = context.getStateStore(PigeonTopology.CATALOG_STORE);
  }

  @Override
  public void process(Record<String, GenerationRequest> record) {
    GenerationRequest request = record.value();
    if (request == null) {
      return;
    }
    String userId = request.getUserId() != null ? request.getUserId() : record.key();
    UserHistory userHistory = userId == null ? null : history.get(userId);
    Personalizer.Outcome outcome =
        personalizer.handle(
            request,
            userHistory,
            id -> {
              ValueAndTimestamp<CatalogEntry> v = catalog.get(id);
              return v == null ? null : v.value();
            },
            System.currentTimeMillis());
    String key = userId != null ? userId : request.getRequestId();
    context.forward(record.withKey(key).withValue(outcome.image()));
    if (outcome.pair() != null) {
      context.forward(record.withKey(key).withValue(outcome.pair()));
    }
  }
}
