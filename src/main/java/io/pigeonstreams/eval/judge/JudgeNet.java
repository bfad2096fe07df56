package io.pigeonstreams.eval.judge;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * The judges' network: a small VGG-style CNN for 3x32x32 images. {@link #features} ends in the
 * 128-d embedding the benchmark's similarity metrics use; {@link #head} classifies it.
 */
public final class JudgeNet {

  public static final int FEATURES = 128;

  private JudgeNet() {}

  /** (B, 3, 32, 32) -> (B, 128). */
  public static SequentialBlock features() {
    SequentialBlock block = new SequentialBlock();
    int[] widths = {32, 64, FEATURES};
    for (int stage = 0; stage < widths.length; stage++) {
      for (int layer = 0; layer < 2; layer++) {
        block
            .add(
                Conv2d.builder()
                    .setKernelShape(new Shape(3, 3))
                    .optPadding(new Shape(1, 1))
                    .setFilters(widths[stage])
                    .build())
            .add(BatchNorm.builder().build())
            .add(Activation::relu);
      }
      if (stage < widths.length - 1) {
        block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2))); // (B, C, H/2, W/2)
      }
    }
    block.add(Pool.globalAvgPool2dBlock()); // (B, 128)
    block.add(Blocks.batchFlattenBlock()); // (B, 128)
    return block;
  }

  /** (B, 128) -> (B, classes) logits. */
  public static SequentialBlock head(int classes) {
    return new SequentialBlock()
        .add(Dropout.builder().optRate(0.3f).build())
        .add(Linear.builder().setUnits(classes).build());
  }

  /** The whole classifier: features, then head. */
  public static SequentialBlock classifier(int classes) {
    return new SequentialBlock().add(features()).add(head(classes));
  }
}
