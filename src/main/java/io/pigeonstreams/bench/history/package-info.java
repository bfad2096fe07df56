/**
 * {@code bench history}: the history path through a real broker. {@link
 * io.pigeonstreams.bench.history.HistoryWorkload} (interactions, full histories, requests, the
 * catalog as the engine writes it), the phases ({@link
 * io.pigeonstreams.bench.history.HistoryPhases}: throughput of the engine against a plain
 * consume-produce pipe, then {@link io.pigeonstreams.bench.history.LatencyPhase}) and {@link
 * io.pigeonstreams.bench.history.HistoryReport}. Uses engine, workload, kafka, data and, for the
 * catalog entries only, personalize; the options are {@code cli.BenchHistoryCommand}.
 */
package io.pigeonstreams.bench.history;
