/**
 * Kafka helpers: the in-process KRaft cluster, topic administration (creation, co-partitioning
 * check) and read-committed reading. Infrastructure: uses no layer.
 */
package io.pigeonstreams.kafka;
