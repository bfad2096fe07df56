/**
 * Streaming A/B experiments (issue #13): deterministic, stateless assignment of users to variants
 * with GrowthBook's published hashing, so that assignments match what teams already run. No Kafka
 * and no Avro here.
 */
package io.pigeonstreams.personalize.experiment;
