package io.pigeonstreams.data.simulation;

import io.pigeonstreams.data.StickerDataset;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's inputs for samples, as images: each sample's history images, its reference image and
 * the caption (the target emoji's name), in the samples' order.
 */
public record SampleImages(
    List<List<float[]>> histories, List<float[]> references, List<String> captions) {

  public static SampleImages of(StickerDataset ds, List<Sample> samples) {
    List<List<float[]>> histories = new ArrayList<>();
    List<float[]> references = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (Sample s : samples) {
      List<float[]> h = new ArrayList<>();
      for (Interaction i : s.history()) {
        h.add(ds.image(i.emoji(), i.style()));
      }
      histories.add(h);
      references.add(ds.image(s.reference().emoji(), s.reference().style()));
      captions.add(ds.emoji().get(s.target().emoji()).name());
    }
    return new SampleImages(histories, references, captions);
  }
}
