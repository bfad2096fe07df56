package io.pigeonstreams.personalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigeonstreams.avro.Action;
import io.pigeonstreams.avro.CatalogEntry;
import io.pigeonstreams.avro.GeneratedImage;
import io.pigeonstreams.avro.GenerationRequest;
import io.pigeonstreams.avro.Status;
import io.pigeonstreams.avro.UserHistory;
import io.pigeonstreams.generate.ImageGenerator;
import io.pigeonstreams.generate.retrieval.NearestHistoryGenerator;
import io.pigeonstreams.generate.retrieval.PaletteOutlierMasker;
import io.pigeonstreams.generate.retrieval.PaletteStructureScorer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.image.StickerImage;
import io.pigeonstreams.topology.Fixtures;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request path without Kafka: join, mask, generate, score, publish, and every rejection. */
class PersonalizerTest {

  private final Map<String, CatalogEntry> catalog = new HashMap<>();
  private UserHistory history;

  private static Personalizer personalizer(ImageGenerator generator) {
    return personalizer(1, generator, io.pigeonstreams.personalize.ClaimCheck.none());
  }

  private static Personalizer personalizer(
      int defaultCandidates,
      ImageGenerator generator,
      io.pigeonstreams.personalize.ClaimCheck claimCheck) {
    return new Personalizer(
        new Personalizer.Settings(0.2, 0.0, defaultCandidates, 11, 4096, 256, "control"),
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
          Fixtures.itemId(e, 0),
          Personalizer.catalogEntry(Fixtures.item(e, 0), new PaletteTokenizer(), 256));
    }
    catalog.put(
        Fixtures.itemId(6, 2),
        Personalizer.catalogEntry(Fixtures.item(6, 2), new PaletteTokenizer(), 256));
    HistoryPolicy policy = new HistoryPolicy(5);
    for (int e = 0; e < 5; e++) {
      history =
          policy.apply(history, Fixtures.interaction("u1", Fixtures.itemId(e, 0), Action.LIKE, e));
    }
  }

  private Personalizer.Outcome handle(GenerationRequest request) {
    return personalizer.handle(request, history, catalog::get, 5_000);
  }

  private GeneratedImage answer(GenerationRequest.Builder request) {
    return handle(request.build()).image();
  }

  @Test
  void shouldGenerateFromTheMaskedHistoryWithScores() throws Exception {
    GeneratedImage out = answer(Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).setAlphaH(0.4));
    assertThat(out.getStatus()).isEqualTo(Status.OK);
    assertThat(out.getReason()).isNull();
    assertThat(out.getHistoryItemIds()).hasSize(5);
    // ceil((1 - 0.4) * 5) = 3 kept, so 2 masked
    assertThat(out.getMaskedHistoryItemIds()).hasSize(2);
    assertThat(out.getAlphaH()).isEqualTo(0.4);
    assertThat(out.getScores()).isNotNull();
    assertThat(out.getLatencyMs()).isEqualTo(4_000);
    assertThat(out.getExperimentVariant()).isEqualTo("control");
    float[] image = StickerImage.fromPng(StickerImage.bytes(out.getImage()), 64);
    assertThat(image).hasSize(StickerImage.PIXELS);
  }

  @Test
  void shouldUseTheConfiguredAlphaHWhenTheRequestLeavesItOpen() {
    GeneratedImage out = answer(Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)));
    assertThat(out.getAlphaH()).isEqualTo(0.2);
    assertThat(out.getMaskedHistoryItemIds()).hasSize(1); // ceil(0.8 * 5) = 4 kept
  }

  @Test
  void shouldAnswerAColdStartFromTheReferenceAlone() throws Exception {
    history = null;
    GeneratedImage out = answer(Fixtures.request("r1", "new-user", Fixtures.itemId(6, 2)));
    assertThat(out.getStatus()).isEqualTo(Status.COLD_START);
    assertThat(out.getHistoryItemIds()).isEmpty();
    float[] image = StickerImage.fromPng(StickerImage.bytes(out.getImage()), 64);
    float[] reference =
        StickerImage.fromRaw(StickerImage.bytes(catalog.get(Fixtures.itemId(6, 2)).getRaster()));
    assertThat(image).containsExactly(reference, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void shouldPublishTheBestOfSeveralCandidatesAndAPreferencePair() {
    Personalizer.Outcome outcome =
        handle(Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).setCandidates(11).build());
    assertThat(outcome.image().getStatus()).isEqualTo(Status.OK);
    assertThat(outcome.pair()).isNotNull();
    assertThat(
            outcome.pair().getChosenScores().getPersonalization() * 0.5
                + outcome.pair().getChosenScores().getSemanticAlignment() * 0.5)
        .isGreaterThan(
            outcome.pair().getRejectedScores().getPersonalization() * 0.5
                + outcome.pair().getRejectedScores().getSemanticAlignment() * 0.5);
    assertThat(outcome.pair().getChosenAlphaR()).isEqualTo(outcome.image().getAlphaR());
    assertThat(outcome.pair().getHistoryItemIds()).hasSize(5);
    assertThat(outcome.pair().getChosenTokens()).isNotEmpty();
    // the whole prompt, for a DPO trainer: what was masked, at which ratio, and the reference
    assertThat(outcome.pair().getAlphaH()).isEqualTo(0.2);
    assertThat(outcome.pair().getMaskedHistoryItemIds())
        .isEqualTo(outcome.image().getMaskedHistoryItemIds());
    assertThat(outcome.pair().getReferenceTokens()).hasSize(64);
  }

  @Test
  void shouldGiveARequestThatLeavesTheCountOpenTheEnginesDefault() {
    Personalizer elevenByDefault =
        personalizer(
            11, new NearestHistoryGenerator(), io.pigeonstreams.personalize.ClaimCheck.none());
    GenerationRequest open = Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).build();
    assertThat(open.getCandidates()).isZero();
    assertThat(elevenByDefault.candidates(open)).isEqualTo(11);
    assertThat(elevenByDefault.handle(open, history, catalog::get, 5_000).pair()).isNotNull();
    // and the default of the defaults is one candidate, no pair
    assertThat(handle(open).pair()).isNull();
  }

  @Test
  void shouldSpreadElevenCandidatesOverTheAlphaRGrid() {
    assertThat(Personalizer.alphaGrid(11, 0.3))
        .containsExactly(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
    assertThat(Personalizer.alphaGrid(1, 0.3)).containsExactly(0.3);
  }

  private void assertRejected(GenerationRequest.Builder request, String reason) {
    Personalizer.Outcome outcome = handle(request.build());
    assertThat(outcome.image().getStatus()).isEqualTo(Status.REJECTED);
    assertThat(outcome.image().getReason()).contains(reason);
    assertThat(outcome.image().getImage()).isNull();
    assertThat(outcome.pair()).isNull();
  }

  @Test
  void shouldRejectAnUnknownReferenceItem() {
    assertRejected(
        Fixtures.request("r1", "u1", "no-such-item"), "unknown reference item 'no-such-item'");
  }

  @Test
  void shouldRejectRatiosOutsideTheUnitIntervalOrNaN() {
    String ref = Fixtures.itemId(6, 2);
    assertRejected(
        Fixtures.request("r1", "u1", ref).setAlphaH(1.5), "alpha_h must be in [0, 1], got 1.5");
    assertRejected(Fixtures.request("r1", "u1", ref).setAlphaH(-0.1), "alpha_h must be in [0, 1]");
    assertRejected(
        Fixtures.request("r1", "u1", ref).setAlphaR(Double.NaN),
        "alpha_r must be in [0, 1], got NaN");
  }

  @Test
  void shouldRejectAMissingUserId() {
    assertRejected(Fixtures.request("r1", "", Fixtures.itemId(6, 2)), "missing user id");
    assertRejected(Fixtures.request("r1", "  ", Fixtures.itemId(6, 2)), "missing user id");
  }

  @Test
  void shouldRejectACorruptOrOversizedInlineImage() {
    GenerationRequest.Builder corrupt =
        Fixtures.request("r1", "u1", null).setReferenceImage(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertRejected(corrupt, "reference image is corrupt");
    GenerationRequest.Builder oversized =
        Fixtures.request("r1", "u1", null).setReferenceImage(ByteBuffer.wrap(new byte[10_000]));
    assertRejected(oversized, "over the 4096 byte limit");
    assertRejected(Fixtures.request("r1", "u1", null), "no reference");
  }

  @Test
  void shouldAcceptAValidInlineImage() {
    byte[] png =
        StickerImage.toPng(
            StickerImage.fromRaw(
                StickerImage.bytes(catalog.get(Fixtures.itemId(6, 2)).getRaster())));
    GeneratedImage out =
        answer(Fixtures.request("r1", "u1", null).setReferenceImage(ByteBuffer.wrap(png)));
    assertThat(out.getStatus()).isEqualTo(Status.OK);
  }

  @Test
  void shouldRejectACandidateCountOutsideTheLimit() {
    assertRejected(
        Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).setCandidates(-1),
        "candidates must be in [1, 11] (or 0 for the engine's default), got -1");
    assertRejected(Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).setCandidates(12), "got 12");
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
            throw new IllegalStateException("out of memory");
          }
        };
    Personalizer.Outcome outcome =
        personalizer(broken)
            .handle(
                Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).build(),
                history,
                catalog::get,
                5_000);
    assertThat(outcome.image().getStatus()).isEqualTo(Status.REJECTED);
    assertThat(outcome.image().getReason()).contains("generation failed").contains("out of memory");
  }

  @Test
  void shouldPutImagesOverTheThresholdInTheClaimCheckAndTheirUriInTheRecords(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path claims) throws Exception {
    // Given a claim check for every image over 100 bytes (a sticker PNG is larger)
    Personalizer withClaimCheck =
        personalizer(
            1,
            new NearestHistoryGenerator(),
            new io.pigeonstreams.personalize.ClaimCheck(100, claims));

    // When a request for 4 candidates is served twice (as after a crash and replay)
    GenerationRequest request =
        Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).setCandidates(4).build();
    Personalizer.Outcome first = withClaimCheck.handle(request, history, catalog::get, 5_000);
    Personalizer.Outcome again = withClaimCheck.handle(request, history, catalog::get, 5_000);

    // Then the records carry URIs, not bytes, and the URIs lead to the PNGs
    GeneratedImage image = first.image();
    assertThat(image.getStatus()).isEqualTo(Status.OK);
    assertThat(image.getImage()).isNull();
    byte[] png =
        java.nio.file.Files.readAllBytes(
            java.nio.file.Path.of(java.net.URI.create(image.getImageUri())));
    assertThat(StickerImage.fromPng(png, 64)).isNotNull();
    assertThat(first.pair().getChosenImage()).isNull();
    assertThat(first.pair().getChosenImageUri()).isEqualTo(image.getImageUri());
    assertThat(first.pair().getRejectedImageUri()).isNotNull().isNotEqualTo(image.getImageUri());
    // and a replay stores nothing new: files are named by their content
    assertThat(again.image().getImageUri()).isEqualTo(image.getImageUri());
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
        personalizer(
            1,
            new NearestHistoryGenerator(),
            new io.pigeonstreams.personalize.ClaimCheck(1 << 20, claims));
    GeneratedImage image =
        withClaimCheck
            .handle(
                Fixtures.request("r1", "u1", Fixtures.itemId(6, 2)).build(),
                history,
                catalog::get,
                5_000)
            .image();
    assertThat(image.getImage()).isNotNull();
    assertThat(image.getImageUri()).isNull();
    try (var files = java.nio.file.Files.list(claims)) {
      assertThat(files).isEmpty();
    }
  }
}
