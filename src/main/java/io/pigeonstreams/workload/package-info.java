/**
 * Producers and collectors that drive an engine through a real broker: what the demo, the
 * performance benchmarks and the end-to-end tests send (items, interactions, requests, bad records)
 * and how they read answers back (committed offsets, read_committed collectors), and their engines'
 * fresh state folders. May use {@code topology} (typed topics), {@code data}, {@code generate} and
 * the infrastructure packages; used by {@code cli} and {@code bench}.
 */
package io.pigeonstreams.workload;
