/**
 * Training: one loop (schedule, progress, checkpoint and resume, wall time, model card) and the
 * stages on it: tokenizer, taste encoder (scorer), SFT (stage 1), DPO (stage 2). May use {@code
 * generate}, {@code model}, {@code data} and the infrastructure packages; used by {@code cli} and
 * {@code eval} (the judges train on the same loop).
 */
package io.pigeonstreams.train;
