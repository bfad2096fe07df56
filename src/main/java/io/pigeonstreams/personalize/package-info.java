/**
 * The request pipeline on plain records, without Kafka or Avro: {@link
 * io.pigeonstreams.personalize.Personalizer} validates a micro-batch of requests ({@link
 * io.pigeonstreams.personalize.RequestValidator}), runs mask, generate and score once for the whole
 * batch ({@link io.pigeonstreams.personalize.BatchPipeline}), chooses the published candidate and
 * the preference pair ({@link io.pigeonstreams.personalize.CandidateSelection}) and builds the
 * answers ({@link io.pigeonstreams.personalize.AnswerBuilder}, with the {@link
 * io.pigeonstreams.personalize.ClaimCheck}); {@link io.pigeonstreams.personalize.HistoryPolicy}
 * keeps a user's history. Runs, and is tested, without a broker; {@code topology.AvroMapping} is
 * where records meet it. May use {@code generate} (interfaces only), {@code image} and {@code
 * metrics}.
 */
package io.pigeonstreams.personalize;
