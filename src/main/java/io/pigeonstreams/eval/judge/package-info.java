/**
 * The benchmark's judges (style and identity classifiers trained on real images only). They share
 * no code or weights with the production scorer.
 */
package io.pigeonstreams.eval.judge;
