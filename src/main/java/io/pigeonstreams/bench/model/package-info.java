/**
 * {@code bench model}: the Pigeon model's inference cost without Kafka. {@link
 * io.pigeonstreams.bench.model.ModelWorkload} (prompts from TEST samples), {@link
 * io.pigeonstreams.bench.model.ModelBench} (timing per batch size, memory) and {@link
 * io.pigeonstreams.bench.model.ModelReport}. Uses model and data; the options are {@code
 * cli.BenchModelCommand}.
 */
package io.pigeonstreams.bench.model;
