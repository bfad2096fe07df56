package io.pigeonstreams.personalize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * How a user's reaction to a generated image becomes training signal. LIKE, SAVE and SHARE are
 * positive, DISLIKE and SKIP negative, VIEW and CLICK neutral. Each non-neutral reaction is a
 * labelled example; a positive and a negative on two images that answered the same prompt (same
 * user, same reference) make a preference pair, the liked image chosen. Unpaired reactions wait for
 * a partner in a bounded slot per prompt; a partner whose image has expired is dropped.
 */
public final class Feedback {

  static final Set<Action> POSITIVE = Set.of(Action.LIKE, Action.SAVE, Action.SHARE);
  static final Set<Action> NEGATIVE = Set.of(Action.DISLIKE, Action.SKIP);

  /** Unpaired reactions kept per prompt and label; older ones are dropped. */
  public static final int SLOT_SIZE = 8;

  /** The id under which a liked generated image enters the catalog and the user's history. */
  public static final String CATALOG_PREFIX = "generated/";

  private Feedback() {}

  /**
   * @return true (positive), false (negative) or null (neutral: no training signal)
   */
  public static Boolean label(Action action) {
    if (POSITIVE.contains(action)) {
      return Boolean.TRUE;
    }
    if (NEGATIVE.contains(action)) {
      return Boolean.FALSE;
    }
    return null;
  }

  /** The catalog item id of generated image {@code imageId}. */
  public static String catalogId(String imageId) {
    return CATALOG_PREFIX + imageId;
  }

  /**
   * What identifies a prompt for pairing: the reference's catalog id, or for an inline reference
   * its tokens. Images of one user with the same prompt key answered the same prompt, though their
   * history snapshots may differ (a pair takes the chosen image's).
   */
  public static String promptKey(String userId, String referenceItemId, int[] referenceTokens) {
    String reference =
        referenceItemId != null
            ? "item:" + referenceItemId
            : "tokens:" + Integer.toHexString(Arrays.hashCode(referenceTokens));
    return userId + "\u0000" + reference;
  }

  /** The images of one prompt still waiting for a partner, most recent last. */
  public record Slot(List<String> positives, List<String> negatives) {
    public static final Slot EMPTY = new Slot(List.of(), List.of());

    public Slot {
      positives = List.copyOf(positives);
      negatives = List.copyOf(negatives);
    }

    public boolean isEmpty() {
      return positives.isEmpty() && negatives.isEmpty();
    }
  }

  /**
   * A reaction met the slot: {@code partner} is the image it pairs with (null: none waiting, the
   * reaction now waits in {@code slot}).
   */
  public record Match(String partner, Slot slot) {}

  /**
   * Pairs image {@code imageId}, just reacted to with {@code label}, with the most recent image of
   * the opposite label that is still {@code alive}; otherwise it waits. An image reacted to again
   * leaves the list of its earlier label first.
   */
  public static Match match(
      Slot slot, String imageId, boolean label, java.util.function.Predicate<String> alive) {
    List<String> same = new ArrayList<>(label ? slot.positives() : slot.negatives());
    List<String> opposite = new ArrayList<>(label ? slot.negatives() : slot.positives());
    same.remove(imageId);
    opposite.remove(imageId);
    String partner = null;
    while (!opposite.isEmpty() && partner == null) {
      String candidate = opposite.remove(opposite.size() - 1);
      if (alive.test(candidate)) {
        partner = candidate;
      }
    }
    if (partner == null) {
      same.add(imageId);
      while (same.size() > SLOT_SIZE) {
        same.remove(0);
      }
    }
    return new Match(partner, label ? new Slot(same, opposite) : new Slot(opposite, same));
  }
}
