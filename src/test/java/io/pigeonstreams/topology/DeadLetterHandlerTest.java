package io.pigeonstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.DeadLetter;
import io.pigeonstreams.serde.SerdeFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterHandlerTest {

  private static final byte[] KEY = "u1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = {0, 1, 2, 3};

  /** An error context as Kafka Streams hands it to the handler. */
  private record Context(String topic, int partition, long offset, String processorNodeId)
      implements ErrorHandlerContext {
    Context(String topic, int partition, long offset) {
      this(topic, partition, offset, "node");
    }

    @Override
    public Headers headers() {
      return new RecordHeaders();
    }

    @Override
    public TaskId taskId() {
      return new TaskId(0, partition);
    }

    @Override
    public long timestamp() {
      return 1234L;
    }

    @Override
    public byte[] sourceRawKey() {
      return KEY;
    }

    @Override
    public byte[] sourceRawValue() {
      return VALUE;
    }
  }

  private final DeadLetterHandler handler = new DeadLetterHandler();

  private DeadLetter decode(ProducerRecord<byte[], byte[]> record) {
    return SerdeFactory.forClass(DeadLetter.class, Map.of())
        .deserializer()
        .deserialize(record.topic(), record.value());
  }

  @Test
  void shouldSendAnUndecodableRecordToItsTopicsDeadLetterTopicAndResume() {
    handler.configure(Map.of());
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("interactions", 2, 41L, KEY, VALUE);

    DeserializationExceptionHandler.Response response =
        handler.handleError(
            new Context("interactions", 2, 41L), record, new IllegalArgumentException("bad magic"));

    assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    ProducerRecord<byte[], byte[]> out = response.deadLetterQueueRecords().get(0);
    assertThat(out.topic()).isEqualTo("interactions-dlq");
    assertThat(out.key()).isEqualTo(KEY);
    DeadLetter letter = decode(out);
    assertThat(letter.getSourceTopic()).isEqualTo("interactions");
    assertThat(letter.getPartition()).isEqualTo(2);
    assertThat(letter.getOffset()).isEqualTo(41L);
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(VALUE));
    assertThat(letter.getReason()).isEqualTo("cannot decode: bad magic");
    assertThat(letter.getExceptionClass()).isEqualTo(IllegalArgumentException.class.getName());
  }

  @Test
  void shouldSendARecordThatFailedProcessingWithItsRawBytes() {
    handler.configure(Map.of());
    ProcessingExceptionHandler.Response response =
        handler.handleError(
            new Context("items", 0, 7L),
            new Record<>("broken", "decoded", 1234L),
            new IllegalStateException("item broken: not a decodable image"));

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    DeadLetter letter = decode(response.deadLetterQueueRecords().get(0));
    assertThat(response.deadLetterQueueRecords().get(0).topic()).isEqualTo("items-dlq");
    assertThat(letter.getReason()).isEqualTo("cannot process: item broken: not a decodable image");
    assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(KEY));
    assertThat(letter.getValue()).isEqualTo(ByteBuffer.wrap(VALUE));
  }

  @Test
  void shouldAbortTheTransactionWhenAMicroBatchFailsSoThatItIsReplayed() {
    handler.configure(Map.of());
    // in the request processor while processing, and in its wall-clock punctuation (no topic)
    for (Context context :
        List.of(
            new Context("generation-requests", 1, 9L, "join-mask-generate"),
            new Context(null, -1, -1L, "join-mask-generate"),
            new Context("generation-requests", 1, 9L, "as-pair"))) {
      ProcessingExceptionHandler.Response response =
          handler.handleError(
              context,
              new Record<>("u1", "answer", 1234L),
              new IllegalStateException("state store closed"));

      assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
      assertThat(response.deadLetterQueueRecords()).isEmpty();
    }
  }

  @Test
  void shouldLogAFewDeadLettersAMinutePerTopicAndSayHowManyItHeldBack() {
    DeadLetterHandler.LogBudget budget = new DeadLetterHandler.LogBudget(2, 60_000);
    org.assertj.core.api.Assertions.assertThat(budget.take("items")).isZero();
    org.assertj.core.api.Assertions.assertThat(budget.take("items")).isZero();
    org.assertj.core.api.Assertions.assertThat(budget.take("items")).isEqualTo(-1);
    org.assertj.core.api.Assertions.assertThat(budget.take("items")).isEqualTo(-1);
    org.assertj.core.api.Assertions.assertThat(budget.take("interactions")).isZero();
    DeadLetterHandler.LogBudget fast = new DeadLetterHandler.LogBudget(1, 0);
    fast.take("t");
    org.assertj.core.api.Assertions.assertThat(fast.take("t")).isZero(); // a new window at once
  }
}
