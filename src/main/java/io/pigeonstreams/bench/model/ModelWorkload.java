package io.pigeonstreams.bench.model;

import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SampleImages;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.model.PigeonInputs;
import io.pigeonstreams.model.PigeonModel;
import java.util.ArrayList;
import java.util.List;

/** Prompts built from TEST samples (seed 42, noise 0.2), pre-tokenized as the engine keeps them. */
final class ModelWorkload {

  private final List<PigeonInputs.Prompt> prompts;

  ModelWorkload(StickerDataset ds, PigeonModel model) {
    List<Sample> samples =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(42, 0.2)).samples(Split.TEST);
    SampleImages in = SampleImages.of(ds, samples.subList(0, Math.min(64, samples.size())));
    prompts = model.prompts(in.histories(), in.references(), in.captions());
  }

  /** {@code size} prompts, cycling through the samples. */
  List<PigeonInputs.Prompt> batch(int size) {
    List<PigeonInputs.Prompt> batch = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      batch.add(prompts.get(i % prompts.size()));
    }
    return batch;
  }
}
