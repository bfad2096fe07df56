package io.pigeonstreams.generate.pigeon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.TestData;
import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import io.pigeonstreams.data.simulation.Interaction;
import io.pigeonstreams.data.simulation.Sample;
import io.pigeonstreams.data.simulation.SimulationConfig;
import io.pigeonstreams.data.simulation.UserSimulator;
import io.pigeonstreams.generate.PreferenceScorer;
import io.pigeonstreams.model.PigeonTokenizer;
import io.pigeonstreams.model.StyleEncoder;
import io.pigeonstreams.model.TokenizerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed production scorer on VAL samples: it must prefer the user's style for
 * personalization and the reference's emoji for alignment, well above chance.
 */
class EncoderScorerTest {

  private static final Path MODELS = Path.of("models", "pigeon");

  @Test
  void shouldPreferTheUsersStyleAndTheReferencesEmoji() throws Exception {
    StickerDataset ds = TestData.dataset();
    List<Sample> samples =
        new UserSimulator(ds).simulate(SimulationConfig.defaults(5, 0.2)).samples(Split.VAL);
    samples = samples.subList(0, 300);
    try (PigeonTokenizer tokenizer =
            PigeonTokenizer.load(MODELS, PigeonTokenizer.NAME_V2, TokenizerConfig.v2(), null);
        StyleEncoder taste = StyleEncoder.load(MODELS)) {
      EncoderScorer scorer = new EncoderScorer(tokenizer, taste);
      List<float[]> images = new ArrayList<>();
      List<List<float[]>> histories = new ArrayList<>();
      List<float[]> references = new ArrayList<>();
      for (Sample s : samples) {
        List<float[]> history = new ArrayList<>();
        for (Interaction i : s.history()) {
          history.add(ds.image(i.emoji(), i.style()));
        }
        float[] reference = ds.image(s.reference().emoji(), s.reference().style());
        // the ground truth, the reference itself, and another emoji in the ground truth's style
        int other = (s.target().emoji() + 101) % ds.emojiCount();
        for (float[] image :
            List.of(
                ds.image(s.groundTruth().emoji(), s.groundTruth().style()),
                reference,
                ds.image(other, s.preferredStyle()))) {
          images.add(image);
          histories.add(history);
          references.add(reference);
        }
      }
      List<PreferenceScorer.Scores> scores = scorer.score(images, histories, references);
      int styleWins = 0;
      int emojiWins = 0;
      for (int i = 0; i < samples.size(); i++) {
        PreferenceScorer.Scores truth = scores.get(3 * i);
        PreferenceScorer.Scores reference = scores.get(3 * i + 1);
        PreferenceScorer.Scores otherEmoji = scores.get(3 * i + 2);
        if (truth.personalization() > reference.personalization()) {
          styleWins++;
        }
        if (truth.semanticAlignment() > otherEmoji.semanticAlignment()) {
          emojiWins++;
        }
      }
      // measured: about 0.9 and 0.85; chance is 0.5
      assertThat(styleWins / (double) samples.size()).isGreaterThan(0.8);
      assertThat(emojiWins / (double) samples.size()).isGreaterThan(0.75);
    }
  }
}
