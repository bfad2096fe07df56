package io.pigeonstreams.personalize.experiment;

import io.pigeonstreams.personalize.Personalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An experiment as the request path applies it: variants (the first is the control) with weights
 * and overrides, coverage, GrowthBook hash seed and version, and when it runs.
 *
 * @param stopAtMs null: open-ended
 */
public record ExperimentPlan(
    String id,
    boolean running,
    List<Variant> variants,
    double coverage,
    String hashSeed,
    int hashVersion,
    List<String> metrics,
    long startAtMs,
    Long stopAtMs) {

  /**
   * A variant and what it changes in a request (null: the request's own value).
   *
   * @param candidates the candidate count to generate
   */
  public record Variant(
      String name,
      double weight,
      Double alphaH,
      Double alphaR,
      Integer candidates,
      String modelVersion,
      String generator) {

    /** A variant that keeps the serving model. */
    public Variant(String name, double weight, Double alphaH, Double alphaR, Integer candidates) {
      this(name, weight, alphaH, alphaR, candidates, null, null);
    }

    /** The model it is generated with, or null for the one serving. */
    public Personalizer.Arm arm() {
      return modelVersion == null && generator == null
          ? null
          : new Personalizer.Arm(generator, modelVersion);
    }
  }

  /** The generators a variant may name. */
  public static final java.util.Set<String> GENERATORS =
      java.util.Set.of("pigeon", "unet", "nearest-history");

  /** The largest candidate count a variant may ask for (the engine's {@code candidates.max}). */
  public static final int MAX_CANDIDATES = 11;

  /** What is wrong with this definition (empty: nothing); a definition with problems is refused. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (id == null || id.isBlank()) {
      out.add("missing experiment id");
    }
    if (variants == null || variants.size() < 2) {
      out.add("an experiment needs at least 2 variants (the first is the control)");
    } else {
      double total = 0;
      Set<String> names = new HashSet<>();
      for (Variant v : variants) {
        if (v.name() == null || v.name().isBlank()) {
          out.add("a variant without a name");
        } else if (!names.add(v.name())) {
          out.add("variant '" + v.name() + "' appears twice");
        }
        if (!(v.weight() >= 0)) {
          out.add("variant '" + v.name() + "' has weight " + v.weight() + "; weights are >= 0");
        }
        total += v.weight();
        ratio(out, v.name(), "alpha_h", v.alphaH());
        ratio(out, v.name(), "alpha_r", v.alphaR());
        if (v.generator() != null && !GENERATORS.contains(v.generator())) {
          out.add(
              "variant '"
                  + v.name()
                  + "': generator must be one of "
                  + new java.util.TreeSet<>(GENERATORS)
                  + ", got '"
                  + v.generator()
                  + "'");
        }
        if (v.modelVersion() != null && v.modelVersion().lastIndexOf('@') < 1) {
          out.add(
              "variant '"
                  + v.name()
                  + "': model version must be a model-store version (checkpoint@digest), got '"
                  + v.modelVersion()
                  + "'");
        }
        if (v.candidates() != null && (v.candidates() < 1 || v.candidates() > MAX_CANDIDATES)) {
          out.add(
              "variant '"
                  + v.name()
                  + "': candidates must be in [1, "
                  + MAX_CANDIDATES
                  + "], got "
                  + v.candidates());
        }
      }
      if (total < 0.99 || total > 1.01) {
        out.add(String.format(Locale.ROOT, "weights sum to %.4f, not 1", total));
      }
    }
    for (String m : metrics == null ? List.<String>of() : metrics) {
      if (ExperimentMetrics.named(m).isEmpty()) {
        out.add(
            "unknown metric '"
                + m
                + "'; known: "
                + ExperimentMetrics.ALL.stream().map(ExperimentMetrics.Metric::name).toList());
      }
    }
    if (!(coverage >= 0 && coverage <= 1)) {
      out.add("coverage must be in [0, 1], got " + coverage);
    }
    if (hashVersion != 1 && hashVersion != 2) {
      out.add("hash version must be 1 or 2, got " + hashVersion);
    }
    if (stopAtMs != null && stopAtMs <= startAtMs) {
      out.add("stops before it starts");
    }
    return out;
  }

  private static void ratio(List<String> out, String variant, String name, Double v) {
    if (v != null && !(v >= 0 && v <= 1)) {
      out.add("variant '" + variant + "': " + name + " must be in [0, 1], got " + v);
    }
  }

  /** Whether it assigns users at {@code nowMs}. */
  public boolean activeAt(long nowMs) {
    return running && nowMs >= startAtMs && (stopAtMs == null || nowMs < stopAtMs);
  }

  /** The seed users are hashed with: the hash seed, or the id when that is empty. */
  public String seed() {
    return hashSeed == null || hashSeed.isEmpty() ? id : hashSeed;
  }

  /**
   * The variant {@code userId} gets, or null when the user falls outside the coverage (then the
   * defaults apply and there is no exposure).
   */
  public Variant variantOf(String userId) {
    Double n = Assignment.hash(seed(), userId, hashVersion);
    if (n == null) {
      return null;
    }
    int i =
        Assignment.chooseVariation(
            n,
            Assignment.bucketRanges(
                variants.size(),
                coverage,
                variants.stream().mapToDouble(Variant::weight).toArray()));
    return i < 0 ? null : variants.get(i);
  }
}
