/**
 * {@code bench experiment}: an A/B experiment on the in-process broker with simulated users who
 * react through the reaction model, and its report computed twice: from what the engine published
 * and from the raw exposures and interactions.
 */
package io.pigeonstreams.bench.experiment;
