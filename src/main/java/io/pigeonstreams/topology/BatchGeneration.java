package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.personalize.CatalogItem;
import io.pigeonstreams.personalize.InfrastructureFailure;
import io.pigeonstreams.personalize.Personalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/** A micro-batch's generation, with memory and device failures under the model retried. */
final class BatchGeneration {

  /** How many batches failing on the machine under the model a request may be in. */
  static final int MAX_FAILURES = 3;

  private BatchGeneration() {}

  /**
   * The outcomes of a batch. An {@link InfrastructureFailure} (memory, device) is not the requests'
   * fault: it is counted against each of them and rethrown, and the batch stays pending to be tried
   * again after a pause ({@code RequestProcessor}). A batch holding a request that failed so before
   * runs one request at a time, so that the failure is counted against the request that causes it,
   * and a request that has failed {@link #MAX_FAILURES} times is answered REJECTED with the reason
   * instead of being replayed forever.
   */
  static List<Personalizer.Outcome> generate(
      Personalizer personalizer,
      List<String> keys,
      List<Personalizer.Job> jobs,
      ReadOnlyKeyValueStore<String, ValueAndTimestamp<CatalogEntry>> catalog,
      long now) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    return generate(
        personalizer,
        keys,
        jobs,
        id -> {
          ValueAndTimestamp<CatalogEntry> v = catalog.get(id);
          return v == null ? null : AvroMapping.catalogItem(v.value());
        },
        now);
  }

  /** The same, with items looked up by {@code lookup}. */
  static List<Personalizer.Outcome> generate(
      Personalizer personalizer,
      List<String> keys,
      List<Personalizer.Job> jobs,
      Function<String, CatalogItem> lookup,
      long now) {
    boolean isolate = false;
    for (String key : keys) {
      isolate |= personalizer.infrastructureFailures(key) > 0;
    }
    if (!isolate) {
      try {
        List<Personalizer.Outcome> out = personalizer.handleAll(jobs, lookup, now);
        keys.forEach(personalizer::forgetInfrastructureFailures);
        return out;
      } catch (InfrastructureFailure f) {
        keys.forEach(k -> personalizer.recordInfrastructureFailure(k, f));
        throw f;
      }
    }
    List<Personalizer.Outcome> out = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      String key = keys.get(i);
      int failures = personalizer.infrastructureFailures(key);
      if (failures >= MAX_FAILURES) {
        out.add(
            personalizer.rejected(
                jobs.get(i).request(),
                "generation failed "
                    + failures
                    + " times on the machine under the model (memory or device), last: "
                    + personalizer.lastInfrastructureFailure(key)
                    + "; not retried again",
                now));
        continue;
      }
      try {
        out.add(personalizer.handleAll(List.of(jobs.get(i)), lookup, now).get(0));
      } catch (InfrastructureFailure f) {
        int n = personalizer.recordInfrastructureFailure(key, f);
        if (n < MAX_FAILURES) {
          throw f;
        }
        out.add(
            personalizer.rejected(
                jobs.get(i).request(),
                "generation failed " + n + " times on the machine under the model: " + f.getCause(),
                now));
      }
    }
    keys.forEach(personalizer::forgetInfrastructureFailures);
    return out;
  }
}
