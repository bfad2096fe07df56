/**
 * The request pipeline without Kafka: validation, the micro-batch (mask, generate, score),
 * candidate selection, answers and preference pairs, the history policy and the claim check. Runs,
 * and is tested, without a broker. May use {@code generate} (interfaces only) and the
 * infrastructure packages.
 */
package io.pigeonstreams.personalize;
