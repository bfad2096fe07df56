package io.pigeonstreams.engine.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.pigeonstreams.avro.Experiment;
import io.pigeonstreams.avro.VariantResults;
import io.pigeonstreams.engine.PigeonEngine;
import io.pigeonstreams.personalize.experiment.ExperimentReport;
import io.pigeonstreams.personalize.experiment.Statistics.Moments;
import io.pigeonstreams.topology.ExperimentMapping;
import io.pigeonstreams.topology.PigeonTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The gallery's experiments: the definitions (the global table, on every instance) and each
 * experiment's report, computed from its variants' results wherever they live (each variant's key
 * on the instance owning it, asked through {@code /api/internal/results}).
 */
final class GalleryExperiments {

  private final ObjectMapper json;

  GalleryExperiments(ObjectMapper json) {
    this.json = json;
  }

  void list(Context ctx, PigeonEngine engine) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (var it = engine.experimentsStore().all()) {
      while (it.hasNext()) {
        Experiment e = it.next().value;
        if (e != null) {
          Map<String, Object> m = new HashMap<>();
          m.put("id", e.getId());
          m.put("status", e.getStatus().name());
          m.put("coverage", e.getCoverage());
          m.put("metrics", List.copyOf(e.getMetrics()));
          m.put(
              "variants",
              e.getVariants().stream()
                  .map(v -> Map.of("name", v.getName(), "weight", v.getWeight()))
                  .toList());
          out.add(m);
        }
      }
    }
    ctx.json(out);
  }

  void report(Context ctx, PigeonEngine engine, StateQueries queries) throws Exception {
    Experiment e = engine.experimentsStore().get(ctx.pathParam("id"));
    if (e == null) {
      ctx.status(404).json(new GalleryViews.Problem("no experiment " + ctx.pathParam("id")));
      return;
    }
    Map<String, Map<String, Moments>> moments = new HashMap<>();
    for (var v : e.getVariants()) {
      String key = e.getId() + "|" + v.getName();
      var md =
          engine
              .streams()
              .queryMetadataForKey(
                  PigeonTopology.RESULTS_STORE,
                  key,
                  org.apache.kafka.common.serialization.Serdes.String().serializer());
      HostInfo owner = md == null ? null : md.activeHost();
      Map<String, double[]> m;
      if (owner == null || owner.equals(HostInfo.unavailable()) || owner.equals(queries.self())) {
        VariantResults r =
            StateQueries.<VariantResults>store(
                    engine.streams(),
                    PigeonTopology.RESULTS_STORE,
                    md == null ? -1 : md.partition())
                .get(key);
        m = r == null ? Map.of() : moments(r);
      } else {
        String body = queries.get(owner, "/api/internal/results/" + Gallery.encode(key));
        m =
            body == null
                ? Map.of()
                : json.readValue(
                    body,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, double[]>>() {});
      }
      Map<String, Moments> plain = new HashMap<>();
      m.forEach(
          (metric, x) -> plain.put(metric, new Moments((long) x[0], x[1], x[2], x[3], x[4], x[5])));
      moments.put(v.getName(), plain);
    }
    ctx.json(
        GalleryViews.Report.of(ExperimentReport.of(ExperimentMapping.experimentPlan(e), moments)));
  }

  static Map<String, double[]> moments(VariantResults r) {
    Map<String, double[]> out = new HashMap<>();
    r.getMetrics()
        .forEach(
            (metric, m) -> {
              Moments x = ExperimentMapping.moments(m);
              out.put(
                  metric,
                  new double[] {
                    x.n(),
                    x.sum(),
                    x.sumSquares(),
                    x.denominatorSum(),
                    x.denominatorSumSquares(),
                    x.crossSum()
                  });
            });
    return out;
  }
}
