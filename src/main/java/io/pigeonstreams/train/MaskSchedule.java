package io.pigeonstreams.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * MaskGIT's training mask (Chang et al. 2022): ceil(cos(pi/2 u) L) random positions of a target's L
 * tokens, u ~ U(0, 1), at least one. Stage 1 masks and scores them; stage 2 scores the same
 * positions of a pair's chosen and rejected sequences.
 */
final class MaskSchedule {

  private MaskSchedule() {}

  /** Which of {@code tokens} positions are masked, drawn from {@code rng}. */
  static boolean[] draw(Random rng, int tokens) {
    int count = Math.max(1, (int) Math.ceil(Math.cos(Math.PI / 2 * rng.nextDouble()) * tokens));
    List<Integer> positions = new ArrayList<>();
    for (int j = 0; j < tokens; j++) {
      positions.add(j);
    }
    Collections.shuffle(positions, rng);
    boolean[] masked = new boolean[tokens];
    for (int j : positions.subList(0, count)) {
      masked[j] = true;
    }
    return masked;
  }
}
