package io.pigeonstreams.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigeonstreams.TestData;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.avro.PreferenceScores;
import io.pigeonstreams.avro.PreferenceSource;
import io.pigeonstreams.image.StickerImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairExportTest {

  private static PreferencePair pair(String id, byte[] chosen, byte[] rejected) {
    return PreferencePair.newBuilder()
        .setPairId(id)
        .setUserId("u1")
        .setRequestId("r1")
        .setHistoryItemIds(List.of("google/1", "google/2"))
        .setReferenceItemId("openmoji/7")
        .setInstruction("a cat")
        .setChosenImage(chosen == null ? null : ByteBuffer.wrap(chosen))
        .setRejectedImage(rejected == null ? null : ByteBuffer.wrap(rejected))
        .setChosenTokens(List.of(1, 2))
        .setRejectedTokens(List.of(3, 4))
        .setChosenScores(new PreferenceScores(0.6, 0.7))
        .setRejectedScores(new PreferenceScores(0.4, 0.3))
        .setSource(PreferenceSource.USER_FEEDBACK)
        .setModelVersion("pigeon-sft@x")
        .setTimestamp(Instant.ofEpochMilli(1))
        .build();
  }

  @Test
  void shouldWriteEachPairOnceWithItsImagesInBothFormats(@TempDir Path tmp) throws Exception {
    byte[] a = StickerImage.toPng(TestData.dataset().image(1, 0));
    byte[] b = StickerImage.toPng(TestData.dataset().image(2, 3));
    List<PreferencePair> pairs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pairs.add(pair("r" + i + "/feedback", a, b));
    }
    pairs.add(pair("claim-checked", null, b));

    // TRL: prompt, chosen, rejected; the files are the pair's images
    PairExport.Report trl = PairExport.write(pairs, PairExport.Format.TRL, tmp.resolve("trl"));
    assertThat(trl.written()).isEqualTo(6);
    assertThat(trl.skipped()).isEqualTo(1);
    List<String> lines = Files.readAllLines(tmp.resolve("trl/pairs.jsonl"));
    assertThat(lines).hasSize(6);
    JsonNode row = new ObjectMapper().readTree(lines.get(0));
    assertThat(row.get("prompt").asText()).isEqualTo("a cat");
    assertThat(Files.readAllBytes(tmp.resolve("trl").resolve(row.get("chosen").asText())))
        .isEqualTo(a);
    assertThat(Files.readAllBytes(tmp.resolve("trl").resolve(row.get("rejected").asText())))
        .isEqualTo(b);
    assertThat(row.get("chosen_tokens").toString()).isEqualTo("[1,2]");
    assertThat(row.get("source").asText()).isEqualTo("USER_FEEDBACK");

    // Pick-a-Pic: the label is on the chosen image, which is not always image_0
    PairExport.write(pairs, PairExport.Format.PICKAPIC, tmp.resolve("pap"));
    int chosenFirst = 0;
    for (String line : Files.readAllLines(tmp.resolve("pap/pairs.jsonl"))) {
      JsonNode r = new ObjectMapper().readTree(line);
      assertThat(r.get("caption").asText()).isEqualTo("a cat");
      String winner = r.get("label_0").asDouble() == 1.0 ? "image_0" : "image_1";
      assertThat(r.get("label_0").asDouble() + r.get("label_1").asDouble()).isEqualTo(1.0);
      assertThat(Files.readAllBytes(tmp.resolve("pap").resolve(r.get(winner).asText())))
          .isEqualTo(a);
      chosenFirst += winner.equals("image_0") ? 1 : 0;
    }
    assertThat(chosenFirst).isBetween(1, 5);
    assertThatThrownBy(() -> PairExport.Format.parse("csv"))
        .hasMessage("format must be trl or pickapic, got 'csv'");
  }
}
