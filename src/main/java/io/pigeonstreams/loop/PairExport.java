package io.pigeonstreams.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigeonstreams.avro.PreferencePair;
import io.pigeonstreams.image.StickerImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Preference pairs as files a team can train on elsewhere: {@code pairs.jsonl} plus the images as
 * PNG files under {@code images/}. {@link Format#TRL}: TRL's preference format, {@code prompt},
 * {@code chosen}, {@code rejected} (image paths), with the prompt context beside them. {@link
 * Format#PICKAPIC}: Pick-a-Pic's {@code caption}, {@code image_0}/{@code image_1}, {@code
 * label_0}/{@code label_1} (1 for the chosen one), the order of the two images drawn from the pair
 * id so that the chosen one is not always first.
 */
public final class PairExport {

  public enum Format {
    TRL,
    PICKAPIC;

    public static Format parse(String s) {
      return switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "trl" -> TRL;
        case "pickapic", "pick-a-pic" -> PICKAPIC;
        default ->
            throw new IllegalArgumentException("format must be trl or pickapic, got '" + s + "'");
      };
    }
  }

  /** Pairs written, and pairs skipped because an image was not inline (claim-checked). */
  public record Report(int written, int skipped) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private PairExport() {}

  public static Report write(List<PreferencePair> pairs, Format format, Path out)
      throws IOException {
    Path images = Files.createDirectories(out.resolve("images"));
    int written = 0;
    int skipped = 0;
    try (BufferedWriter w =
        Files.newBufferedWriter(out.resolve("pairs.jsonl"), StandardCharsets.UTF_8)) {
      for (PreferencePair p : pairs) {
        if (p.getChosenImage() == null || p.getRejectedImage() == null) {
          skipped++;
          continue;
        }
        String id = p.getPairId().replaceAll("[^A-Za-z0-9._-]", "_");
        String chosen = "images/" + id + "-chosen.png";
        String rejected = "images/" + id + "-rejected.png";
        Files.write(out.resolve(chosen), bytes(p.getChosenImage()));
        Files.write(out.resolve(rejected), bytes(p.getRejectedImage()));
        ObjectNode row = JSON.createObjectNode();
        String caption = p.getInstruction().isBlank() ? p.getReferenceItemId() : p.getInstruction();
        if (format == Format.TRL) {
          row.put("prompt", caption == null ? "" : caption);
          row.put("chosen", chosen);
          row.put("rejected", rejected);
        } else {
          boolean chosenFirst = (p.getPairId().hashCode() & 1) == 0;
          row.put("caption", caption == null ? "" : caption);
          row.put("image_0", chosenFirst ? chosen : rejected);
          row.put("image_1", chosenFirst ? rejected : chosen);
          row.put("label_0", chosenFirst ? 1.0 : 0.0);
          row.put("label_1", chosenFirst ? 0.0 : 1.0);
          row.put("model_0", p.getModelVersion());
          row.put("model_1", p.getModelVersion());
        }
        row.put("pair_id", p.getPairId());
        row.put("user_id", p.getUserId());
        row.put("source", p.getSource().name());
        row.put("reference_item_id", p.getReferenceItemId());
        row.putPOJO("history_item_ids", p.getHistoryItemIds());
        row.putPOJO("masked_history_item_ids", p.getMaskedHistoryItemIds());
        row.put("alpha_h", p.getAlphaH());
        row.put("chosen_alpha_r", p.getChosenAlphaR());
        row.put("rejected_alpha_r", p.getRejectedAlphaR());
        row.putPOJO("reference_tokens", p.getReferenceTokens());
        row.putPOJO("chosen_tokens", p.getChosenTokens());
        row.putPOJO("rejected_tokens", p.getRejectedTokens());
        w.write(JSON.writeValueAsString(row));
        w.newLine();
        written++;
      }
    }
    return new Report(written, skipped);
  }

  private static byte[] bytes(ByteBuffer b) {
    return StickerImage.bytes(b);
  }
}
