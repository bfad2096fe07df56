/**
 * Kafka Streams code only: {@link io.pigeonstreams.topology.PigeonTopology} wires the one topology
 * (history, join, mask, generate, publish) from typed {@link io.pigeonstreams.topology.Topic}s, its
 * processors (history, micro-batched requests), state stores and dead-letter handling. The request
 * pipeline itself is in {@code personalize}. May use {@code personalize}, {@code generate}
 * (interfaces) and the infrastructure packages; never the model.
 */
package io.pigeonstreams.topology;
