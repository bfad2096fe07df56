package io.pigeonstreams.data;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The (emoji, style) pairs kept out of training, fixed once with the dataset and independent of any
 * simulation seed: every test target is a TEST pair, every validation target a VAL pair, and no
 * held-out pair ever appears in a training history or as a training target. At most one style of an
 * emoji is held out, so the identity judge still sees that emoji in four styles.
 */
public final class HeldOutPairs {

  /** Fraction of emoji with one held-out style; half of them TEST, half VAL. */
  static final double HELD_OUT_FRACTION = 0.6;

  private static final String SALT = "pigeon-streams/held-out/v1:";

  private final Map<String, Split> splitByPair;

  private HeldOutPairs(Map<String, Split> splitByPair) {
    this.splitByPair = Collections.unmodifiableMap(splitByPair);
  }

  /** Chooses the held-out pairs from a hash of each emoji id: no random seed involved. */
  static HeldOutPairs choose(List<String> emojiIds, List<String> styles) {
    Map<String, Split> pairs = new LinkedHashMap<>();
    for (String id : emojiIds) {
      byte[] h = DatasetBuilder.sha256Bytes((SALT + id).getBytes(StandardCharsets.UTF_8));
      double u = (((h[0] & 0xff) << 8) | (h[1] & 0xff)) / 65536.0;
      if (u < HELD_OUT_FRACTION) {
        String style = styles.get((h[2] & 0xff) % styles.size());
        pairs.put(key(id, style), (h[3] & 1) == 0 ? Split.TEST : Split.VAL);
      }
    }
    return new HeldOutPairs(pairs);
  }

  static HeldOutPairs parse(List<String> tsvLines) {
    Map<String, Split> pairs = new LinkedHashMap<>();
    for (String line : tsvLines.subList(1, tsvLines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      pairs.put(key(f[0], f[1]), Split.parse(f[2]));
    }
    return new HeldOutPairs(pairs);
  }

  String toTsv() {
    StringBuilder sb = new StringBuilder("id\tstyle\tsplit\n");
    splitByPair.forEach(
        (pair, split) ->
            sb.append(pair).append('\t').append(split.name().toLowerCase()).append('\n'));
    return sb.toString();
  }

  /** TRAIN when the pair is not held out, else the split it is held out for. */
  public Split splitOf(String emojiId, String style) {
    return splitByPair.getOrDefault(key(emojiId, style), Split.TRAIN);
  }

  private static String key(String id, String style) {
    return id + "\t" + style;
  }
}
