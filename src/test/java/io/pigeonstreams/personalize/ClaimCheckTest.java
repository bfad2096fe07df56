package io.pigeonstreams.personalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigeonstreams.TestData;
import io.pigeonstreams.generate.VisualTokenizer;
import io.pigeonstreams.generate.retrieval.PaletteTokenizer;
import io.pigeonstreams.image.StickerImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claim-checked images are read only from inside the claim-check folder: whatever URI a producer
 * writes (path traversal, {@code file:} URIs to system files, links out of the folder, other
 * schemes), nothing outside is read and the refusal says why.
 */
class ClaimCheckTest {

  @TempDir Path tmp;

  private Path folder;
  private Path secret;
  private ClaimCheck claims;

  @BeforeEach
  void setUp() throws IOException {
    folder = Files.createDirectories(tmp.resolve("claims"));
    secret = Files.writeString(tmp.resolve("secret.txt"), "password=hunter2");
    claims = new ClaimCheck(100, folder);
  }

  @Test
  void shouldReadWhatItStoredBackThroughItsUri() throws IOException {
    byte[] png = StickerImage.toPng(TestData.dataset().image(0, 0));
    String uri = claims.store(png, "png");

    assertThat(claims.read(uri, 1 << 20)).isEqualTo(png);
  }

  @Test
  void shouldRefusePathTraversalOutOfTheFolder() {
    String uri = folder.toUri() + "../secret.txt";

    assertThatThrownBy(() -> claims.read(uri, 1 << 20))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("outside the claim-check folder");
  }

  @Test
  void shouldRefuseEncodedTraversalAndSystemFiles() {
    assertThatThrownBy(() -> claims.read(folder.toUri() + "%2e%2e/secret.txt", 1 << 20))
        .hasMessageContaining("outside the claim-check folder");
    assertThatThrownBy(() -> claims.read("file:///etc/passwd", 1 << 20))
        .hasMessageContaining("outside the claim-check folder");
    assertThatThrownBy(() -> claims.read("file:/proc/self/environ", 1 << 20))
        .hasMessageContaining("outside the claim-check folder");
  }

  @Test
  void shouldRefuseASymbolicLinkThatLeadsOutOfTheFolder() throws IOException {
    Path link = Files.createSymbolicLink(folder.resolve("innocent.png"), secret);

    assertThatThrownBy(() -> claims.read(link.toUri().toString(), 1 << 20))
        .hasMessageContaining("through a symbolic link");
  }

  @Test
  void shouldRefuseAFolderLinkedFromInside() throws IOException {
    Files.createSymbolicLink(folder.resolve("up"), tmp);

    assertThatThrownBy(() -> claims.read(folder.resolve("up/secret.txt").toUri().toString(), 99))
        .hasMessageContaining("through a symbolic link");
  }

  @Test
  void shouldRefuseOtherSchemesAndMalformedUris() {
    for (String uri :
        new String[] {
          "http://169.254.169.254/latest/meta-data/",
          "jar:file:/etc/passwd!/x",
          "//host/share/x.png",
          "claims/x.png",
          "file://remote-host/x.png",
          folder.toUri() + "x.png?raw",
        }) {
      assertThatThrownBy(() -> claims.read(uri, 1 << 20))
          .as(uri)
          .hasMessageContaining("only file: URIs of the claim-check folder");
    }
    assertThatThrownBy(() -> claims.read("file:/a b\u0000", 1 << 20))
        .hasMessageContaining("not a URI");
  }

  @Test
  void shouldRefuseMissingOversizedAndNonRegularFiles() throws IOException {
    Path big = Files.write(folder.resolve("big.png"), new byte[2_000]);
    Files.createDirectories(folder.resolve("sub"));

    assertThatThrownBy(() -> claims.read(folder.resolve("none.png").toUri().toString(), 100))
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> claims.read(big.toUri().toString(), 1_000))
        .hasMessageContaining("2000 bytes, over the limit of 1000");
    assertThatThrownBy(() -> claims.read(folder.resolve("sub").toUri().toString(), 100))
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> claims.read(folder.toUri().toString(), 100))
        .hasMessageContaining("outside the claim-check folder");
  }

  @Test
  void shouldReadNothingWithoutAFolder() {
    assertThatThrownBy(() -> ClaimCheck.none().read(secret.toUri().toString(), 1 << 20))
        .hasMessageContaining("no claim-check folder is configured");
  }

  @Test
  void shouldTokenizeACatalogItemWhoseImageIsClaimCheckedAndRefuseOneOutside() throws IOException {
    byte[] png = StickerImage.toPng(TestData.dataset().image(1, 2));
    String uri = claims.store(png, "png");
    VisualTokenizer tokenizer = new PaletteTokenizer();

    CatalogItem entry = CatalogTokenizer.entry(item("big/1", uri), tokenizer, 1024, claims);

    assertThat(entry.tokens()).isEqualTo(tokenizer.tokenize(StickerImage.fromPng(png, 1024)));
    assertThatThrownBy(
            () ->
                CatalogTokenizer.entry(
                    item("evil/1", secret.toUri().toString()), tokenizer, 1024, claims))
        .hasMessageContaining("outside the claim-check folder");
    assertThatThrownBy(() -> CatalogTokenizer.entry(item("none/1", null), tokenizer, 1024, claims))
        .hasMessageContaining("neither an image nor an image URI");
    // and a claim-checked file that is no PNG is refused by the decoder, not read past
    Path text =
        Files.write(folder.resolve("notes.png"), "not a png".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                CatalogTokenizer.entry(
                    item("text/1", text.toUri().toString()), tokenizer, 1024, claims))
        .isInstanceOf(IOException.class);
  }

  private static NewItem item(String id, String uri) {
    return new NewItem(id, null, uri, "caption", "category", "style", Instant.EPOCH);
  }
}
