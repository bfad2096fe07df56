/**
 * The feedback loop's offline half: preference pairs read back from the stream become a new model
 * version (DPO from the current one), gated on VAL against the current one, published to the model
 * store and announced to the running engines. Uses {@code engine} (the model store), {@code train},
 * {@code eval} and the topics; used by {@code cli}.
 */
package io.pigeonstreams.loop;
