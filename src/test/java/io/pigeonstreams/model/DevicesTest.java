package io.pigeonstreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/** {@code pigeon.device}: auto picks a GPU only when there is one; a missing GPU is an error. */
class DevicesTest {

  @Test
  void shouldPickTheGpuWhenThereIsOneAndTheCpuOtherwise() {
    assertThat(Devices.parse("auto", 0)).isEqualTo(Device.cpu());
    assertThat(Devices.parse("auto", 2)).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse(" CPU ", 2)).isEqualTo(Device.cpu());
    assertThat(Devices.parse("gpu", 1)).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse("gpu:1", 2)).isEqualTo(Device.gpu(1));
  }

  @Test
  void shouldRefuseAMissingGpuAndUnknownSettingsWithTheReason() {
    assertThatThrownBy(() -> Devices.parse("gpu", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DJL sees 0 GPU(s)");
    assertThatThrownBy(() -> Devices.parse("gpu:2", 2)).hasMessageContaining("DJL sees 2 GPU(s)");
    assertThatThrownBy(() -> Devices.parse("gpu:x", 2)).hasMessageContaining("bad GPU number");
    assertThatThrownBy(() -> Devices.parse("tpu", 2))
        .hasMessageContaining("must be auto, cpu, gpu or gpu:N, got 'tpu'");
  }

  @Test
  void shouldPickWhatThisMachineHasForAuto() {
    // Given the GPUs DJL sees on this machine (none on the CI and build machines)
    int gpus = Engine.getInstance().getGpuCount();

    // Then auto picks the first of them, or the CPU without one, and gpu works only with one
    assertThat(Devices.parse("auto")).isEqualTo(gpus > 0 ? Device.gpu(0) : Device.cpu());
    assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
    if (gpus > 0) {
      assertThat(Devices.parse("gpu")).isEqualTo(Device.gpu(0));
    } else {
      assertThatThrownBy(() -> Devices.parse("gpu")).hasMessageContaining("DJL sees 0 GPU(s)");
    }
    assertThatThrownBy(() -> Devices.parse("gpu:" + gpus))
        .hasMessageContaining("DJL sees " + gpus + " GPU(s)");
  }
}
