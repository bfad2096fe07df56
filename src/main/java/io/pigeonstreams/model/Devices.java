package io.pigeonstreams.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** The {@code pigeon.device} setting: {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}. */
public final class Devices {

  private Devices() {}

  /**
   * @param gpus how many GPUs DJL sees (from {@link Engine#getGpuCount()})
   * @throws IllegalArgumentException for an unknown setting or a GPU that is not there
   */
  public static Device parse(String spec, int gpus) {
    String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) {
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("gpu") || s.startsWith("gpu:")) {
      int n;
      try {
        n = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("pigeon.device: bad GPU number in '" + spec + "'");
      }
      if (n < 0 || n >= gpus) {
        throw new IllegalArgumentException(
            "pigeon.device is '"
                + spec
                + "' but DJL sees "
                + gpus
                + " GPU(s); install DJL's CUDA flavour of PyTorch or use auto or cpu");
      }
      return Device.gpu(n);
    }
    throw new IllegalArgumentException(
        "pigeon.device must be auto, cpu, gpu or gpu:N, got '" + spec + "'");
  }

  /** {@link #parse} against the GPUs this machine has. */
  public static Device parse(String spec) {
    return parse(spec, Engine.getInstance().getGpuCount());
  }

  /**
   * PyTorch's intra-op (and inter-op) threads for this process: 0 leaves PyTorch's default (one per
   * core). Takes effect only before the engine first loads PyTorch; with the broker or other busy
   * threads on the same cores, fewer threads than cores can be faster.
   */
  public static void threads(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("pigeon.model.threads must be >= 0, got " + n);
    }
    if (n > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
      System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(n));
    }
  }
}
