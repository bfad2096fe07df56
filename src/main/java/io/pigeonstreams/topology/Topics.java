package io.pigeonstreams.topology;

import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.DeadLetter;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.ExperimentOutcome;
import io.pigeonstreams.avro.ExperimentUsers;
import io.pigeonstreams.avro.Exposure;
import io.pigeonstreams.avro.FeedbackExample;
import io.pigeonstreams.avro.FeedbackSlot;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Interaction;
import io.pigeonstreams.avro.Item;
import io.pigeonstreams.avro.MetricMoments;
import io.pigeonstreams.avro.ModelUpdate;
import io.pigeonstreams.avro.PendingRequest;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.ServedImage;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.avro.UserOutcomes;
import io.pigeonstreams.avro.VariantResults;
import io.pigeonstreams.serde.SerdeFactory;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The engine's topics, each with its serdes (chosen once, by {@code serde.format}). */
public final class Topics {

  public static final String ITEMS_NAME = "items";
  public static final String CATALOG_NAME = "catalog";
  public static final String INTERACTIONS_NAME = "interactions";
  public static final String REQUESTS_NAME = "generation-requests";
  public static final String GENERATED_NAME = "generated-images";
  public static final String PAIRS_NAME = "preference-pairs";
  public static final String FEEDBACK_NAME = "feedback-labels";
  public static final String MODEL_UPDATES_NAME = "model-updates";
  public static final String EXPERIMENTS_NAME = "experiments";
  public static final String EXPOSURES_NAME = "exposures";
  public static final String RESULTS_NAME = "experiment-results";

  public final Topic<String, Item> items;
  public final Topic<String, CatalogEntry> catalog;
  public final Topic<String, Interaction> interactions;
  public final Topic<String, GenerationRequest> requests;
  public final Topic<String, GeneratedImage> generated;
  public final Topic<String, PreferencePair> pairs;
  public final Topic<String, FeedbackExample> feedbackLabels;
  public final Topic<String, ModelUpdate> modelUpdates;
  public final Topic<String, Experiment> experiments;
  public final Topic<String, Exposure> exposures;
  public final Topic<String, MetricMoments> experimentResults;
  public final Serde<ExperimentOutcome> outcomeSerde;
  public final Serde<UserOutcomes> userOutcomesSerde;
  public final Serde<VariantResults> variantResultsSerde;
  public final Serde<ExperimentUsers> experimentUsersSerde;
  public final Serde<UserHistory> historySerde;
  public final Serde<PendingRequest> pendingSerde;
  public final Serde<ServedImage> servedSerde;
  public final Serde<FeedbackSlot> slotSerde;
  public final Serde<DeadLetter> deadLetterSerde;

  public Topics(Map<String, ?> config) {
    Serde<String> key = Serdes.String();
    items = new Topic<>(ITEMS_NAME, key, serde(Item.class, config));
    catalog = new Topic<>(CATALOG_NAME, key, serde(CatalogEntry.class, config));
    interactions = new Topic<>(INTERACTIONS_NAME, key, serde(Interaction.class, config));
    requests = new Topic<>(REQUESTS_NAME, key, serde(GenerationRequest.class, config));
    generated = new Topic<>(GENERATED_NAME, key, serde(GeneratedImage.class, config));
    pairs = new Topic<>(PAIRS_NAME, key, serde(PreferencePair.class, config));
    feedbackLabels = new Topic<>(FEEDBACK_NAME, key, serde(FeedbackExample.class, config));
    modelUpdates = new Topic<>(MODEL_UPDATES_NAME, key, serde(ModelUpdate.class, config));
    experiments = new Topic<>(EXPERIMENTS_NAME, key, serde(Experiment.class, config));
    exposures = new Topic<>(EXPOSURES_NAME, key, serde(Exposure.class, config));
    experimentResults = new Topic<>(RESULTS_NAME, key, serde(MetricMoments.class, config));
    outcomeSerde = serde(ExperimentOutcome.class, config);
    userOutcomesSerde = serde(UserOutcomes.class, config);
    variantResultsSerde = serde(VariantResults.class, config);
    experimentUsersSerde = serde(ExperimentUsers.class, config);
    historySerde = serde(UserHistory.class, config);
    pendingSerde = serde(PendingRequest.class, config);
    servedSerde = serde(ServedImage.class, config);
    slotSerde = serde(FeedbackSlot.class, config);
    deadLetterSerde = serde(DeadLetter.class, config);
  }

  private static <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> config) {
    return SerdeFactory.forClass(type, config);
  }

  /** Topics the engine reads from outside (each has a dead-letter topic). */
  public List<Topic<String, ?>> inputs() {
    return List.of(items, catalog, interactions, requests);
  }

  public List<Topic<String, ?>> all() {
    return List.of(
        items,
        catalog,
        interactions,
        requests,
        generated,
        pairs,
        feedbackLabels,
        modelUpdates,
        experiments,
        exposures,
        experimentResults);
  }
}
