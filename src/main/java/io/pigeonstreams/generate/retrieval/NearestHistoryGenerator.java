package io.pigeonstreams.generate.retrieval;

import io.pigeonstreams.generate.Candidate;
import io.pigeonstreams.generate.GenerationContext;
import io.pigeonstreams.generate.HistoryEntry;
import io.pigeonstreams.generate.ImageGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's NearestHistory baseline as an engine generator ({@link NearestHistory}): returns
 * the (kept) history image closest to the reference in pixels. With several candidates, the
 * next-closest ones. With no history (cold start) it returns the reference.
 */
public final class NearestHistoryGenerator implements ImageGenerator {

  @Override
  public String modelVersion() {
    return "nearest-history-v1";
  }

  @Override
  public List<Candidate> generate(GenerationContext context) {
    List<HistoryEntry> ranked =
        NearestHistory.rank(context.history().entries(), HistoryEntry::image, context.reference());
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < context.alphaR().size(); i++) {
      double alphaR = context.alphaR().get(i);
      if (ranked.isEmpty()) {
        out.add(new Candidate(context.reference(), context.referenceTokens(), alphaR));
      } else {
        HistoryEntry pick = ranked.get(i % ranked.size());
        out.add(new Candidate(pick.image(), pick.tokens(), alphaR));
      }
    }
    return out;
  }
}
