package io.pigeonstreams.personalize;

import io.pigeonstreams.personalize.Personalizer.Arm;
import io.pigeonstreams.personalize.Personalizer.ArmComponents;
import io.pigeonstreams.personalize.Personalizer.ArmLoader;
import io.pigeonstreams.personalize.Personalizer.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models experiments' variants are generated with, besides the serving one: each loaded on
 * first use, leased by the batches that use it like the serving one, and closed when no running
 * experiment names it. An arm that cannot be loaded is refused with its reason until it leaves use
 * (not retried every batch).
 */
final class VariantArms {

  private volatile ArmLoader loader = ArmLoader.NONE;
  private final Map<Arm, ModelParts> loaded = new ConcurrentHashMap<>();
  private final Map<Arm, String> refused = new ConcurrentHashMap<>();

  void loader(ArmLoader loader) {
    this.loader = loader;
  }

  /** Keeps the arms in {@code inUse}; the others are closed once their batches finish. */
  void retain(Set<Arm> inUse) {
    refused.keySet().retainAll(inUse);
    for (var it = loaded.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!inUse.contains(e.getKey())) {
        it.remove();
        ModelParts p = e.getValue();
        p.retired = true;
        if (p.users.get() == 0) {
          p.closeOnce();
        }
      }
    }
  }

  Map<Arm, String> versions() {
    Map<Arm, String> out = new HashMap<>();
    loaded.forEach((a, p) -> out.put(a, p.generator.modelVersion()));
    return out;
  }

  /** Why {@code arm} cannot be served. */
  String refusal(Arm arm) {
    return refused.getOrDefault(arm, "not loaded");
  }

  /**
   * The parts of {@code arm}, loaded on first use (at a batch boundary, on the stream thread), held
   * until {@link ModelParts#release}; or null when it cannot be loaded ({@link #refusal} says why).
   * An arm must share the serving tokenizer: the catalog's tokens come from it.
   */
  ModelParts lease(Arm arm, ModelParts serving, Settings settings, ClaimCheck claimCheck) {
    if (refused.containsKey(arm)) {
      return null;
    }
    ModelParts p = loaded.get(arm);
    if (p == null) {
      try {
        ArmComponents c = loader.load(arm);
        if (!c.tokenizer().name().equals(serving.tokenizer.name())) {
          c.owner().close();
          throw new IllegalStateException(
              "its tokenizer "
                  + c.tokenizer().name()
                  + " is not the serving "
                  + serving.tokenizer.name()
                  + " that tokenized the catalog");
        }
        p =
            new ModelParts(
                settings,
                c.tokenizer(),
                c.masker(),
                c.generator(),
                c.scorer(),
                claimCheck,
                c.owner());
        loaded.put(arm, p);
      } catch (Exception | OutOfMemoryError e) {
        refused.put(arm, String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        return null;
      }
    }
    p.users.incrementAndGet();
    return p;
  }
}
