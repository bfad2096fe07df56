/**
 * The gallery: a page a person can use, served from the jar, and the JSON API under it over the
 * engine's state (Kafka Streams interactive queries; keys another instance owns are forwarded to
 * it). Writes go through Kafka ({@link io.pigeonstreams.engine.InputWrites}). Bound to localhost
 * unless configured otherwise, with request size and rate limits.
 */
package io.pigeonstreams.engine.web;
