/**
 * {@code bench hostile}: malformed and hostile records of every kind written by an outside client
 * (Debian's kcat) into every input topic of a running engine, and each one accounted for.
 */
package io.pigeonstreams.bench.hostile;
