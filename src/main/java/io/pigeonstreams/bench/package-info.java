/**
 * Performance benchmarks only ({@code bench generation}, {@code bench history}, {@code bench
 * model}): each is a workload, the phases it runs and a report of figures. The quality benchmark is
 * elsewhere ({@code data}, {@code eval}). May use {@code engine}, {@code workload}, {@code
 * topology}, {@code personalize}, {@code generate}, {@code model}, {@code data} and the
 * infrastructure packages; only {@code cli} uses it.
 */
package io.pigeonstreams.bench;
