package io.pigeonstreams.personalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.generate.Candidates;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.retrieval.PaletteOutlierMasker;
import io.pigeonstreams.generate.retrieval.PaletteStructureScorer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.image.StickerImage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request path without Kafka: join, mask, generate, score, publish, and every rejection. */
class PersonalizerTest {

  private final Map<String, CatalogItem> catalog = new HashMap<>();
  private History history;

  private static Personalizer personalizer(ImageGenerator generator) {
    return personalizer(1, generator, ClaimCheck.none());
  }

  private static Personalizer personalizer(
      int defaultCandidates, ImageGenerator generator, ClaimCheck claimCheck) {
    return new Personalizer(
        new Personalizer.Settings(
            0.2,
            0.0,
            defaultCandidates,
            11,
            4096,
            256,
            "control",
            io.pigeonstreams.generate.Candidates.Selection.SUM),
        new PaletteTokenizer(),
        new PaletteOutlierMasker(),
        generator,
        new PaletteStructureScorer(),
        claimCheck);
  }

  private final Personalizer personalizer = personalizer(new NearestHistoryGenerator());

  @BeforeEach
  void givenACatalogAndAUserWhoLikesOneStyle() throws Exception {
    // emoji 0..5 in style 0 (google); emoji 6 in style 2 (openmoji) is the reference
    for (int e = 0; e < 6; e++) {
      catalog.put(
          Requests.itemId(e, 0),
          CatalogTokenizer.entry(Requests.item(e, 0), new PaletteTokenizer(), 256));
    }
    catalog.put(
        Requests.itemId(6, 2),
        CatalogTokenizer.entry(Requests.item(6, 2), new PaletteTokenizer(), 256));
    HistoryPolicy policy = new HistoryPolicy(5);
    for (int e = 0; e < 5; e++) {
      history =
          policy.apply(
              history,
              new HistoryItem(Requests.itemId(e, 0), Action.LIKE, Instant.ofEpochMilli(e), null));
    }
  }

  private Personalizer.Outcome handle(Request request) {
    return personalizer.handle(request, history, catalog::get, 5_000);
  }

  private Answer answer(Requests.Builder request) {
    return handle(request.build()).answer();
  }

  @Test
  void shouldGenerateFromTheMaskedHistoryWithScores() throws Exception {
    Answer out = answer(Requests.request("r1", "u1", Requests.itemId(6, 2)).alphaH(0.4));
    assertThat(out.status()).isEqualTo(Answer.Status.OK);
    assertThat(out.reason()).isNull();
    assertThat(out.historyItemIds()).hasSize(5);
    // ceil((1 - 0.4) * 5) = 3 kept, so 2 masked
    assertThat(out.maskedHistoryItemIds()).hasSize(2);
    assertThat(out.alphaH()).isEqualTo(0.4);
    assertThat(out.scores()).isNotNull();
    assertThat(out.latencyMs()).isEqualTo(4_000);
    assertThat(out.experimentVariant()).isEqualTo("control");
    float[] image = StickerImage.fromPng(out.image(), 64);
    assertThat(image).hasSize(StickerImage.PIXELS);
  }

  @Test
  void shouldUseTheConfiguredAlphaHWhenTheRequestLeavesItOpen() {
    Answer out = answer(Requests.request("r1", "u1", Requests.itemId(6, 2)));
    assertThat(out.alphaH()).isEqualTo(0.2);
    assertThat(out.maskedHistoryItemIds()).hasSize(1); // ceil(0.8 * 5) = 4 kept
  }

  @Test
  void shouldAnswerAColdStartFromTheReferenceAlone() throws Exception {
    history = null;
    Answer out = answer(Requests.request("r1", "new-user", Requests.itemId(6, 2)));
    assertThat(out.status()).isEqualTo(Answer.Status.COLD_START);
    assertThat(out.historyItemIds()).isEmpty();
    float[] image = StickerImage.fromPng(out.image(), 64);
    float[] reference = StickerImage.fromRaw(catalog.get(Requests.itemId(6, 2)).raster());
    assertThat(image).containsExactly(reference, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void shouldPublishTheBestOfSeveralCandidatesAndAPreferencePair() {
    Personalizer.Outcome outcome =
        handle(Requests.request("r1", "u1", Requests.itemId(6, 2)).candidates(11).build());
    assertThat(outcome.answer().status()).isEqualTo(Answer.Status.OK);
    assertThat(outcome.pair()).isNotNull();
    assertThat(
            outcome.pair().chosenScores().personalization() * 0.5
                + outcome.pair().chosenScores().semanticAlignment() * 0.5)
        .isGreaterThan(
            outcome.pair().rejectedScores().personalization() * 0.5
                + outcome.pair().rejectedScores().semanticAlignment() * 0.5);
    assertThat(outcome.pair().chosenAlphaR()).isEqualTo(outcome.answer().alphaR());
    assertThat(outcome.pair().historyItemIds()).hasSize(5);
    assertThat(outcome.pair().chosenTokens()).isNotEmpty();
    // the whole prompt, for a DPO trainer: what was masked, at which ratio, and the reference
    assertThat(outcome.pair().alphaH()).isEqualTo(0.2);
    assertThat(outcome.pair().maskedHistoryItemIds())
        .isEqualTo(outcome.answer().maskedHistoryItemIds());
    assertThat(outcome.pair().referenceTokens()).hasSize(64);
  }

  @Test
  void shouldGiveARequestThatLeavesTheCountOpenTheEnginesDefault() {
    Personalizer elevenByDefault =
        personalizer(11, new NearestHistoryGenerator(), ClaimCheck.none());
    Request open = Requests.request("r1", "u1", Requests.itemId(6, 2)).build();
    assertThat(open.candidates()).isZero();
    assertThat(elevenByDefault.candidates(open.candidates(), 1)).isEqualTo(11);
    assertThat(elevenByDefault.handle(open, history, catalog::get, 5_000).pair()).isNotNull();
    // and the default of the defaults is one candidate, no pair
    assertThat(handle(open).pair()).isNull();
  }

  @Test
  void shouldShowTheBestTwoCandidatesSideBySideWhenAskedForTwoOptions() {
    // Given a request for two options that leaves the candidate count to the engine (default 1)
    Request two = Requests.request("r2", "u1", Requests.itemId(6, 2)).options(2).build();

    // When it is handled
    Personalizer.Outcome outcome = handle(two);

    // Then it is answered once, with the paper's sweep's best and runner-up side by side
    Answer answer = outcome.answer();
    assertThat(answer.status()).isEqualTo(Answer.Status.OK);
    assertThat(answer.alternative()).isNotNull();
    assertThat(answer.alternative().imageId()).isEqualTo(answer.imageId() + "#2");
    assertThat(answer.alternative().image()).isNotNull(); // (the retrieval baseline's images)
    assertThat(answer.alternative().alphaR()).isNotEqualTo(answer.alphaR());
    assertThat(answer.alternative().tokens()).isNotEmpty();
    assertThat(outcome.pair()).isNotNull(); // the model's own pair, best vs worst of 11
    assertThat(outcome.served().tokens()).isNotEmpty();
    // and one option is the default
    assertThat(handle(Requests.request("r3", "u1", Requests.itemId(6, 2)).build()).answer())
        .extracting(Answer::alternative)
        .isNull();
  }

  @Test
  void shouldRejectTwoOptionsFromOneCandidateAndOtherOptionCounts() {
    assertRejected(
        Requests.request("r4", "u1", Requests.itemId(6, 2)).options(2).candidates(1),
        "two options need at least 2 candidates, got 1");
    assertRejected(
        Requests.request("r5", "u1", Requests.itemId(6, 2)).options(3),
        "options must be 1 or 2, got 3");
  }

  @Test
  void shouldSpreadElevenCandidatesOverTheAlphaRGrid() {
    assertThat(CandidateSelection.alphaRs(11, 0.3))
        .containsExactly(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
        .isEqualTo(Candidates.PAPER_GRID);
    assertThat(CandidateSelection.alphaRs(1, 0.3)).containsExactly(0.3);
  }

  private void assertRejected(Requests.Builder request, String reason) {
    Personalizer.Outcome outcome = handle(request.build());
    assertThat(outcome.answer().status()).isEqualTo(Answer.Status.REJECTED);
    assertThat(outcome.answer().reason()).contains(reason);
    assertThat(outcome.answer().image()).isNull();
    assertThat(outcome.pair()).isNull();
  }

  @Test
  void shouldRejectAnUnknownReferenceItem() {
    assertRejected(
        Requests.request("r1", "u1", "no-such-item"), "unknown reference item 'no-such-item'");
  }

  @Test
  void shouldRejectRatiosOutsideTheUnitIntervalOrNaN() {
    String ref = Requests.itemId(6, 2);
    assertRejected(
        Requests.request("r1", "u1", ref).alphaH(1.5), "alpha_h must be in [0, 1], got 1.5");
    assertRejected(Requests.request("r1", "u1", ref).alphaH(-0.1), "alpha_h must be in [0, 1]");
    assertRejected(
        Requests.request("r1", "u1", ref).alphaR(Double.NaN), "alpha_r must be in [0, 1], got NaN");
  }

  @Test
  void shouldRejectAMissingUserId() {
    assertRejected(Requests.request("r1", "", Requests.itemId(6, 2)), "missing user id");
    assertRejected(Requests.request("r1", "  ", Requests.itemId(6, 2)), "missing user id");
  }

  @Test
  void shouldRejectACorruptOrOversizedInlineImage() {
    Requests.Builder corrupt =
        Requests.request("r1", "u1", null).referenceImage(new byte[] {1, 2, 3});
    assertRejected(corrupt, "reference image is corrupt");
    Requests.Builder oversized =
        Requests.request("r1", "u1", null).referenceImage(new byte[10_000]);
    assertRejected(oversized, "over the 4096 byte limit");
    assertRejected(Requests.request("r1", "u1", null), "no reference");
  }

  @Test
  void shouldAcceptAValidInlineImage() {
    byte[] png =
        StickerImage.toPng(StickerImage.fromRaw(catalog.get(Requests.itemId(6, 2)).raster()));
    Answer out = answer(Requests.request("r1", "u1", null).referenceImage(png));
    assertThat(out.status()).isEqualTo(Answer.Status.OK);
  }

  @Test
  void shouldRejectACandidateCountOutsideTheLimit() {
    assertRejected(
        Requests.request("r1", "u1", Requests.itemId(6, 2)).candidates(-1),
        "candidates must be in [1, 11] (or 0 for the engine's default), got -1");
    assertRejected(Requests.request("r1", "u1", Requests.itemId(6, 2)).candidates(12), "got 12");
  }

  @Test
  void shouldAnswerEvenWhenTheGeneratorFails() {
    ImageGenerator broken =
        new ImageGenerator() {
          @Override
          public String modelVersion() {
            return "broken";
          }

          @Override
          public List<io.pigeonstreams.generate.Candidate> generate(
              io.pigeonstreams.generate.GenerationContext context) {
            throw new IllegalStateException("index 7 out of bounds");
          }
        };
    Personalizer.Outcome outcome =
        personalizer(broken)
            .handle(
                Requests.request("r1", "u1", Requests.itemId(6, 2)).build(),
                history,
                catalog::get,
                5_000);
    assertThat(outcome.answer().status()).isEqualTo(Answer.Status.REJECTED);
    assertThat(outcome.answer().reason()).contains("generation failed").contains("out of bounds");
  }

  @Test
  void shouldRaiseMemoryAndDeviceFailuresAsInfrastructureNotAnswers() {
    for (Throwable failure :
        List.<Throwable>of(
            new OutOfMemoryError("Java heap space"),
            new IllegalStateException("CUDA error: out of memory"),
            new RuntimeException("wrapped", new OutOfMemoryError("Direct buffer memory")))) {
      ImageGenerator broken =
          new ImageGenerator() {
            @Override
            public String modelVersion() {
              return "broken";
            }

            @Override
            public List<io.pigeonstreams.generate.Candidate> generate(
                io.pigeonstreams.generate.GenerationContext context) {
              if (failure instanceof Error e) {
                throw e;
              }
              throw (RuntimeException) failure;
            }
          };
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  personalizer(broken)
                      .handle(
                          Requests.request("r1", "u1", Requests.itemId(6, 2)).build(),
                          history,
                          catalog::get,
                          5_000))
          .isInstanceOf(InfrastructureFailure.class);
    }
  }

  @Test
  void shouldPutImagesOverTheThresholdInTheClaimCheckAndTheirUriInTheRecords(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path claims) throws Exception {
    // Given a claim check for every image over 100 bytes (a sticker PNG is larger)
    Personalizer withClaimCheck =
        personalizer(1, new NearestHistoryGenerator(), new ClaimCheck(100, claims));

    // When a request for 4 candidates is served twice (as after a crash and replay)
    Request request = Requests.request("r1", "u1", Requests.itemId(6, 2)).candidates(4).build();
    Personalizer.Outcome first = withClaimCheck.handle(request, history, catalog::get, 5_000);
    Personalizer.Outcome again = withClaimCheck.handle(request, history, catalog::get, 5_000);

    // Then the records carry URIs, not bytes, and the URIs lead to the PNGs
    Answer image = first.answer();
    assertThat(image.status()).isEqualTo(Answer.Status.OK);
    assertThat(image.image()).isNull();
    byte[] png =
        java.nio.file.Files.readAllBytes(
            java.nio.file.Path.of(java.net.URI.create(image.imageUri())));
    assertThat(StickerImage.fromPng(png, 64)).isNotNull();
    assertThat(first.pair().chosenImage()).isNull();
    assertThat(first.pair().chosenImageUri()).isEqualTo(image.imageUri());
    assertThat(first.pair().rejectedImageUri()).isNotNull().isNotEqualTo(image.imageUri());
    // and a replay stores nothing new: files are named by their content
    assertThat(again.answer().imageUri()).isEqualTo(image.imageUri());
    try (var files = java.nio.file.Files.list(claims)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList())
          .hasSize(2)
          .allMatch(name -> name.matches("[0-9a-f]{64}\\.png"));
    }
  }

  @Test
  void shouldKeepSmallImagesInline(@org.junit.jupiter.api.io.TempDir java.nio.file.Path claims)
      throws Exception {
    Personalizer withClaimCheck =
        personalizer(1, new NearestHistoryGenerator(), new ClaimCheck(1 << 20, claims));
    Answer image =
        withClaimCheck
            .handle(
                Requests.request("r1", "u1", Requests.itemId(6, 2)).build(),
                history,
                catalog::get,
                5_000)
            .answer();
    assertThat(image.image()).isNotNull();
    assertThat(image.imageUri()).isNull();
    try (var files = java.nio.file.Files.list(claims)) {
      assertThat(files).isEmpty();
    }
  }

  /** The baseline generator under another version name: a second model to route to. */
  private static final class Renamed implements ImageGenerator {
    final String version;
    final ImageGenerator inner = new NearestHistoryGenerator();
    int calls;
    boolean closed;

    Renamed(String version) {
      this.version = version;
    }

    @Override
    public String modelVersion() {
      return version;
    }

    @Override
    public List<io.pigeonstreams.generate.Candidate> generate(
        io.pigeonstreams.generate.GenerationContext context) {
      calls++;
      return inner.generate(context);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void shouldGenerateEachVariantsJobsWithItsModelAndRejectAnArmThatCannotLoad() {
    Renamed b = new Renamed("b@2");
    Personalizer.Arm armB = new Personalizer.Arm(null, "b@2");
    Personalizer.Arm broken = new Personalizer.Arm(null, "gone@0");
    List<Personalizer.Arm> loaded = new java.util.ArrayList<>();
    personalizer.armLoader(
        arm -> {
          loaded.add(arm);
          if (arm.equals(broken)) {
            throw new java.io.IOException("no version 'gone@0' in the model store");
          }
          return new Personalizer.ArmComponents(
              new PaletteTokenizer(),
              new PaletteOutlierMasker(),
              b,
              new PaletteStructureScorer(),
              b);
        });
    List<Personalizer.Job> jobs =
        List.of(
            new Personalizer.Job(
                Requests.request("r1", "u1", Requests.itemId(6, 2)).build(), history),
            new Personalizer.Job(
                Requests.request("r2", "u2", Requests.itemId(6, 2)).build(), history, armB),
            new Personalizer.Job(
                Requests.request("r3", "u3", Requests.itemId(6, 2)).build(), history, broken),
            new Personalizer.Job(
                Requests.request("r4", "u4", Requests.itemId(6, 2)).build(), history, armB));

    List<Personalizer.Outcome> out = personalizer.handleAll(jobs, catalog::get, 5_000);
    personalizer.handleAll(jobs.subList(1, 2), catalog::get, 6_000);

    // each answer, in order, from its own model; the broken arm's with the reason
    assertThat(out).extracting(o -> o.answer().requestId()).containsExactly("r1", "r2", "r3", "r4");
    assertThat(out.get(0).answer().modelVersion()).isEqualTo(personalizer.modelVersion());
    assertThat(out.get(1).answer().modelVersion()).isEqualTo("b@2");
    assertThat(out.get(3).answer().modelVersion()).isEqualTo("b@2");
    assertThat(out.get(2).answer().status()).isEqualTo(Answer.Status.REJECTED);
    assertThat(out.get(2).answer().reason()).contains("gone@0").contains("cannot be served");
    // loaded once each (the refusal is kept, not retried every batch); its three requests
    assertThat(loaded).containsExactly(armB, broken);
    assertThat(b.calls).isEqualTo(3);
    assertThat(personalizer.armVersions()).containsEntry(armB, "b@2");
    // an arm no running experiment names is closed
    personalizer.retainArms(java.util.Set.of());
    assertThat(b.closed).isTrue();
    assertThat(personalizer.armVersions()).isEmpty();
  }
}
