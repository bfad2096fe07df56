package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.HistoryItem;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.personalize.Answer;
import io.pigeonstreams.serde.AvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline's records and the topics' Avro records carry the same content both ways. */
class AvroMappingTest {

  private static HistoryItem item(String id, Action action, long ts, String generated) {
    return HistoryItem.newBuilder()
        .setItemId(id)
        .setAction(action)
        .setTimestamp(Instant.ofEpochMilli(ts))
        .setGeneratedImageId(generated)
        .build();
  }

  @Test
  void shouldCarryAStoredHistoryThroughThePipelinesRecordsUnchanged() {
    // Given a stored history with positives, negatives and feedback
    UserHistory stored =
        UserHistory.newBuilder()
            .setPositives(
                new ArrayList<>(
                    List.of(item("b", Action.LIKE, 2, null), item("a", Action.VIEW, 1, null))))
            .setNegatives(new ArrayList<>(List.of(item("c", Action.DISLIKE, 3, null))))
            .setFeedback(new ArrayList<>(List.of(item("img", Action.SHARE, 4, "r1/v1"))))
            .build();

    // When it is read as the pipeline's History and written back
    UserHistory back = AvroMapping.userHistory(AvroMapping.history(stored));

    // Then it is the same record
    assertThat(back).isEqualTo(stored);
    assertThat(AvroMapping.history(stored).positiveItemIds()).containsExactly("b", "a");
  }

  @Test
  void shouldWriteARejectedAnswerAsTheRecordWithTheSchemasDefaults() {
    // Given a REJECTED answer (no image, no history, no scores)
    Answer rejected =
        new Answer(
            "r1",
            "u1",
            "r1/v1",
            Answer.Status.REJECTED,
            "missing user id",
            null,
            null,
            "v1",
            "control",
            null,
            List.of(),
            List.of(),
            0,
            0,
            null,
            7,
            Instant.ofEpochMilli(9),
            null);

    // When it is mapped to the generated-images record
    GeneratedImage mapped = AvroMapping.generatedImage(rejected);

    // Then it encodes to the bytes of the record built with only the fields a rejection sets
    GeneratedImage expected =
        GeneratedImage.newBuilder()
            .setRequestId("r1")
            .setUserId("u1")
            .setImageId("r1/v1")
            .setModelVersion("v1")
            .setExperimentVariant("control")
            .setLatencyMs(7)
            .setTimestamp(Instant.ofEpochMilli(9))
            .setStatus(Status.REJECTED)
            .setReason("missing user id")
            .build();
    try (AvroSerde<GeneratedImage> serde = new AvroSerde<>(GeneratedImage.class)) {
      assertThat(serde.serializer().serialize("t", mapped))
          .isEqualTo(serde.serializer().serialize("t", expected));
    }
  }
}
