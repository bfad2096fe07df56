package io.pigeonstreams.data.simulation;

import io.pigeonstreams.data.Split;
import io.pigeonstreams.data.StickerDataset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Simulates users with ground truth, following the paper's protocol (sliding windows of N + 1
 * interactions, stride 1, split 8:1:1) on the sticker dataset.
 *
 * <p>Users, not windows, are split 8:1:1 so that windows sharing interactions never straddle
 * splits. Training users only ever see TRAIN pairs. A validation or test user's first N
 * interactions are TRAIN pairs too; every later interaction is a target whose ground truth (the
 * emoji in the user's style) is a held-out VAL or TEST pair. So no held-out pair appears in any
 * training history or as a training target, whatever the seed or noise.
 */
public final class UserSimulator {

  private final StickerDataset dataset;
  private final List<String> categories;
  private final Map<String, List<Integer>> emojiByCategory = new LinkedHashMap<>();

  public UserSimulator(StickerDataset dataset) {
    this.dataset = dataset;
    for (StickerDataset.Emoji e : dataset.emoji()) {
      emojiByCategory.computeIfAbsent(e.category(), k -> new ArrayList<>()).add(e.index());
    }
    this.categories = List.copyOf(new TreeSet<>(emojiByCategory.keySet()));
  }

  public Benchmark simulate(SimulationConfig config) {
    int styles = dataset.styleCount();
    List<Split> userSplits = assignSplits(config);
    List<SimulatedUser> users = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    for (int u = 0; u < config.users(); u++) {
      SplittableRandom rng = new SplittableRandom(mix(config.seed(), u));
      Split split = userSplits.get(u);
      int preferred = rng.nextInt(styles);
      List<String> interests = pickInterests(rng, config.interestCategories());
      List<Interaction> interactions = new ArrayList<>();
      Set<Integer> seen = new HashSet<>();
      for (int pos = 0; pos < config.sequenceLength(); pos++) {
        // The pair that would be the ground truth, (emoji, preferred style), must come from
        // TRAIN for history-only positions and train users, from the user's split otherwise.
        Split truthSplit =
            (split == Split.TRAIN || pos < config.historyLength()) ? Split.TRAIN : split;
        int emoji = drawEmoji(rng, config, interests, preferred, truthSplit, seen);
        seen.add(emoji);
        int style = preferred;
        if (rng.nextDouble() < config.noise()) {
          style = trainStyleOtherThan(rng, emoji, preferred);
        }
        interactions.add(new Interaction(emoji, style));
      }
      users.add(new SimulatedUser(u, split, preferred, interests, List.copyOf(interactions)));
      int n = config.historyLength();
      for (int t = n; t < interactions.size(); t++) {
        samples.add(
            new Sample(
                samples.size(),
                u,
                split,
                preferred,
                List.copyOf(interactions.subList(t - n, t)),
                interactions.get(t),
                trainStyleOtherThan(rng, interactions.get(t).emoji(), preferred)));
      }
    }
    return new Benchmark(config, List.copyOf(users), List.copyOf(samples));
  }

  /** Exactly 80% / 10% / 10% of users, in an order shuffled by the seed. */
  private static List<Split> assignSplits(SimulationConfig config) {
    int n = config.users();
    int val = n / 10;
    int test = n / 10;
    List<Split> splits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      splits.add(i < n - val - test ? Split.TRAIN : (i < n - test ? Split.VAL : Split.TEST));
    }
    Collections.shuffle(splits, new java.util.Random(mix(config.seed(), -1)));
    return splits;
  }

  private List<String> pickInterests(SplittableRandom rng, int count) {
    List<String> pool = new ArrayList<>(categories);
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < Math.min(count, pool.size()); i++) {
      picked.add(pool.remove(rng.nextInt(pool.size())));
    }
    return List.copyOf(picked);
  }

  private int drawEmoji(
      SplittableRandom rng,
      SimulationConfig config,
      List<String> interests,
      int preferred,
      Split truthSplit,
      Set<Integer> seen) {
    List<Integer> candidates = new ArrayList<>();
    if (rng.nextDouble() < config.interestWeight()) {
      for (String category : interests) {
        candidates.addAll(eligible(emojiByCategory.get(category), preferred, truthSplit, seen));
      }
    }
    if (candidates.isEmpty()) {
      // Not from a favoured category this time, or the favoured ones are used up.
      candidates = eligible(allEmoji(), preferred, truthSplit, seen);
    }
    if (candidates.isEmpty()) {
      throw new IllegalStateException("no " + truthSplit + " emoji left for style " + preferred);
    }
    return candidates.get(rng.nextInt(candidates.size()));
  }

  private List<Integer> eligible(
      List<Integer> emoji, int preferred, Split truthSplit, Set<Integer> seen) {
    List<Integer> out = new ArrayList<>();
    for (int e : emoji) {
      if (!seen.contains(e) && dataset.splitOf(e, preferred) == truthSplit) {
        out.add(e);
      }
    }
    return out;
  }

  private List<Integer> allEmoji() {
    List<Integer> all = new ArrayList<>(dataset.emojiCount());
    for (int i = 0; i < dataset.emojiCount(); i++) {
      all.add(i);
    }
    return all;
  }

  /**
   * A style other than the user's in which this emoji is a TRAIN pair: noise interactions and
   * references never show a held-out pair (at most one style of an emoji is held out, so there are
   * always at least three to choose from).
   */
  private int trainStyleOtherThan(SplittableRandom rng, int emoji, int preferred) {
    List<Integer> options = new ArrayList<>();
    for (int s = 0; s < dataset.styleCount(); s++) {
      if (s != preferred && dataset.splitOf(emoji, s) == Split.TRAIN) {
        options.add(s);
      }
    }
    return options.get(rng.nextInt(options.size()));
  }

  /** A well-spread seed for stream {@code index} of a run seeded with {@code seed}. */
  static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
