/**
 * Avro single-object encoding with every schema version kept readable, and the serde factory.
 * Infrastructure: uses only the generated Avro classes.
 */
package io.pigeonstreams.serde;
