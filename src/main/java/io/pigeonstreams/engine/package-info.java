/**
 * The running engine: {@link io.pigeonstreams.engine.PigeonEngine} (lifecycle: topics, Kafka
 * Streams, readiness, close), typed configuration ({@link io.pigeonstreams.engine.EngineConfig}),
 * the components the configuration chooses ({@link io.pigeonstreams.engine.EngineComponents}),
 * their wiring into the topology, the micro-batching policy, the topic plan, health and the metrics
 * registry; the model store and hot swaps, the models of experiments' variants, checked writes from
 * outside ({@link io.pigeonstreams.engine.InputWrites}) and, in {@code web}, the gallery. May use
 * {@code topology}, {@code personalize}, {@code generate}, {@code model} (device and threads) and
 * the infrastructure packages; used by {@code cli} and {@code bench}.
 */
package io.pigeonstreams.engine;
