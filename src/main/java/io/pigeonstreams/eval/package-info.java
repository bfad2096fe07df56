/**
 * The quality benchmark: generators as evaluated, the evaluator, the metrics table and report, the
 * sweep plots. May use {@code train}, {@code generate}, {@code model}, {@code data}; only {@code
 * cli} uses it.
 */
package io.pigeonstreams.eval;
