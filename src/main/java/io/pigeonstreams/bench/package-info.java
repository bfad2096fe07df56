/**
 * Benchmarks and scenarios on the in-process broker: performance ({@code bench generation}, {@code
 * bench history}, {@code bench model}: each a workload, the phases it runs and a report of
 * figures), an A/B experiment with simulated users ({@code bench experiment}) and a hostile-input
 * campaign ({@code bench hostile}). The quality benchmark is elsewhere ({@code data}, {@code
 * eval}). May use {@code engine}, {@code workload}, {@code topology}, {@code personalize}, {@code
 * generate}, {@code model}, {@code data} and the infrastructure packages; only {@code cli} uses it.
 */
package io.pigeonstreams.bench;
