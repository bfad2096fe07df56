package io.pigeonstreams.generate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A history after the mask generator (alpha_h): the entries the generator is given, most recent
 * first, and for each one which of its visual tokens are masked ({@code tokenMasks.get(n)[j]} true:
 * token j of entry n is masked). A token-level masker (Pigeon's) gives every entry with some of its
 * tokens masked; an item-level masker gives only the entries it keeps, none of their tokens masked.
 *
 * <p>An entry of the original history is <em>kept</em> when it is here with at least one token not
 * masked; every other entry (left out, or with all its tokens masked) counts as masked.
 */
public record MaskedHistory(List<HistoryEntry> entries, List<boolean[]> tokenMasks) {

  public MaskedHistory {
    if (entries.size() != tokenMasks.size()) {
      throw new IllegalArgumentException(
          entries.size() + " entries but " + tokenMasks.size() + " token masks");
    }
    for (int n = 0; n < entries.size(); n++) {
      if (tokenMasks.get(n).length != entries.get(n).tokens().length) {
        throw new IllegalArgumentException(
            "entry "
                + n
                + " has "
                + entries.get(n).tokens().length
                + " tokens but a mask of "
                + tokenMasks.get(n).length);
      }
    }
    entries = List.copyOf(entries);
    tokenMasks = List.copyOf(tokenMasks);
  }

  /** These entries, none of their tokens masked (what an item-level masker keeps). */
  public static MaskedHistory unmasked(List<HistoryEntry> entries) {
    List<boolean[]> masks = new ArrayList<>(entries.size());
    for (HistoryEntry e : entries) {
      masks.add(new boolean[e.tokens().length]);
    }
    return new MaskedHistory(entries, masks);
  }

  /** Whether entry {@code n} is masked whole (every one of its tokens). */
  boolean isMasked(int n) {
    for (boolean m : tokenMasks.get(n)) {
      if (!m) {
        return false;
      }
    }
    return true;
  }

  /** The fraction of entry {@code n}'s tokens not masked (1: kept whole, 0: masked whole). */
  public double keptFraction(int n) {
    boolean[] mask = tokenMasks.get(n);
    if (mask.length == 0) {
      return 1;
    }
    int kept = 0;
    for (boolean m : mask) {
      kept += m ? 0 : 1;
    }
    return kept / (double) mask.length;
  }

  /** The ids of the entries kept (at least one token not masked). */
  Set<String> keptItemIds() {
    Set<String> kept = new HashSet<>();
    for (int n = 0; n < entries.size(); n++) {
      if (!isMasked(n)) {
        kept.add(entries.get(n).itemId());
      }
    }
    return kept;
  }

  /** The ids of {@code history} that this mask does not keep, in the history's order. */
  public List<String> maskedItemIds(List<String> history) {
    Set<String> kept = keptItemIds();
    return history.stream().filter(id -> !kept.contains(id)).toList();
  }

  /** The token ids of each entry (masked ones included: the mask is {@link #tokenMasks}). */
  public List<int[]> tokens() {
    return entries.stream().map(HistoryEntry::tokens).toList();
  }
}
