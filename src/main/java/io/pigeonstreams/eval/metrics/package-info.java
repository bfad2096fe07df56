/** Image metrics of the benchmark: MS-SSIM and the Fréchet distance in judge-feature space. */
package io.pigeonstreams.eval.metrics;
