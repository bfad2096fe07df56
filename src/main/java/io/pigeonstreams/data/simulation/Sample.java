package io.pigeonstreams.data.simulation;

import io.pigeonstreams.data.Split;
import java.util.List;

/**
 * One sliding window of N + 1 interactions in time order: N history items (oldest first, as the
 * models were trained on them; a request's history is most recent first, see {@code
 * generate.HistoryOrder}) and the target (the last one). A generation request built from it uses
 * the target emoji drawn in {@code referenceStyle} (never the user's style) as the reference; the
 * ground truth is the target emoji in the user's preferred style.
 */
public record Sample(
    int id,
    int user,
    Split split,
    int preferredStyle,
    List<Interaction> history,
    Interaction target,
    int referenceStyle) {

  public Interaction reference() {
    return new Interaction(target.emoji(), referenceStyle);
  }

  public Interaction groundTruth() {
    return new Interaction(target.emoji(), preferredStyle);
  }
}
