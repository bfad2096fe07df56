/**
 * The engine's own meters (Micrometer): batch sizes, queue wait, inference and stage times,
 * outputs, pending requests. Infrastructure: used by {@code topology}, {@code personalize} and
 * {@code engine}; uses no layer.
 */
package io.pigeonstreams.metrics;
