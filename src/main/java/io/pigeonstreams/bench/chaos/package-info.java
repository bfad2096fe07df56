/**
 * {@code bench chaos}: engines in JVMs of their own on an in-process KRaft cluster, under steady
 * load, while instances are killed, brokers stopped, tasks fail over or the load doubles; each run
 * counts every acknowledged request's committed answers.
 */
package io.pigeonstreams.bench.chaos;
