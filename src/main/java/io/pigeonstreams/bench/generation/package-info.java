/**
 * {@code bench generation}: the generation path against its limit. {@link
 * io.pigeonstreams.bench.generation.GenerationWorkload} (catalog, users, requests), the phases
 * ({@link io.pigeonstreams.bench.generation.GenerationPhases} running {@link
 * io.pigeonstreams.bench.generation.RawModelPhase} and {@link
 * io.pigeonstreams.bench.generation.EnginePhase}) and {@link
 * io.pigeonstreams.bench.generation.GenerationReport} (summary rows, table). Uses engine, workload,
 * generate.pigeon, kafka and data; the options are {@code cli.BenchGenerationCommand}.
 */
package io.pigeonstreams.bench.generation;
