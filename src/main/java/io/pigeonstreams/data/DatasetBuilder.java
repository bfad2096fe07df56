package io.pigeonstreams.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Builds the committed sticker dataset ({@code data/}) from pinned npm tarballs: keeps the emoji
 * present in all five styles (no flags, keycaps, skin-tone variants or components), frames each one
 * identically, and writes one atlas per style and size, the emoji index, the held-out (emoji,
 * style) pairs and every source's license. Same tarballs in, same bytes out.
 */
public final class DatasetBuilder {

  private final Path npmCache;
  private final Path outDir;
  private final boolean progress;

  public DatasetBuilder(Path npmCache, Path outDir, boolean progress) {
    this.npmCache = npmCache;
    this.outDir = outDir;
    this.progress = progress;
  }

  /** What a build wrote: the number of emoji and each written file's SHA-256. */
  public record Result(int emojiCount, Map<String, String> sha256ByFile) {}

  private record Candidate(
      String id,
      String name,
      String category,
      String subcategory,
      byte[] googlePng,
      byte[] twitterPng,
      byte[] openmojiSvg,
      byte[] fluentFlatSvg,
      byte[] fluentModernSvg) {}

  public Result build() throws IOException, InterruptedException {
    Files.createDirectories(npmCache);
    Map<EmojiSource, Path> tarballs = new LinkedHashMap<>();
    for (EmojiSource source : EmojiSource.all()) {
      tarballs.put(source, NpmFetcher.fetch(source, npmCache));
    }
    Map<String, byte[]> google =
        readTar(
            tarballs.get(EmojiSource.GOOGLE),
            p -> p.equals("package/emoji.json") || p.startsWith("package/img/google/64/"));
    Map<String, byte[]> twitter =
        readTar(tarballs.get(EmojiSource.TWITTER), p -> p.startsWith("package/img/twitter/64/"));
    Map<String, byte[]> openmoji =
        readTar(
            tarballs.get(EmojiSource.OPENMOJI),
            p -> p.equals("package/data/openmoji.json") || p.startsWith("package/color/svg/"));
    Map<String, byte[]> fluent =
        readTar(
            tarballs.get(EmojiSource.FLUENT),
            p -> p.startsWith("package/icons/flat/") || p.startsWith("package/icons/modern/"));

    List<Candidate> candidates = join(google, twitter, openmoji, fluent);
    List<String> styles = StickerDataset.STYLES;
    int n = candidates.size();
    Map<String, BufferedImage> atlases = new LinkedHashMap<>();
    for (String style : styles) {
      for (int size : StickerDataset.SIZES) {
        atlases.put(AtlasImages.atlasName(style, size), AtlasImages.newAtlas(n, size));
      }
    }
    try (ProgressBar bar = progressBar("Rasterizing", (long) n * styles.size())) {
      for (int i = 0; i < n; i++) {
        Candidate c = candidates.get(i);
        BufferedImage[] sources = {
          AtlasImages.decodePng(c.googlePng(), c.id()),
          AtlasImages.decodePng(c.twitterPng(), c.id()),
          AtlasImages.renderSvg(c.openmojiSvg(), c.id()),
          AtlasImages.renderSvg(c.fluentFlatSvg(), c.id()),
          AtlasImages.renderSvg(c.fluentModernSvg(), c.id())
        };
        for (int s = 0; s < styles.size(); s++) {
          BufferedImage[] framed = StickerFramer.frame(sources[s], StickerDataset.SIZES);
          for (int k = 0; k < StickerDataset.SIZES.length; k++) {
            int size = StickerDataset.SIZES[k];
            AtlasImages.placeTile(
                atlases.get(AtlasImages.atlasName(styles.get(s), size)), i, size, framed[k]);
          }
          if (bar != null) {
            bar.step();
          }
        }
      }
    }

    Path stickers = outDir.resolve("stickers");
    Files.createDirectories(stickers);
    Map<String, String> written = new LinkedHashMap<>();
    for (Map.Entry<String, BufferedImage> atlas : atlases.entrySet()) {
      Path file = stickers.resolve(atlas.getKey());
      AtlasImages.writePng(atlas.getValue(), file);
      written.put(outDir.relativize(file).toString(), sha256(Files.readAllBytes(file)));
    }
    writeText(stickers.resolve(StickerDataset.INDEX_FILE), indexTsv(candidates), written);
    writeText(
        stickers.resolve(StickerDataset.HELDOUT_FILE),
        HeldOutPairs.choose(candidates.stream().map(Candidate::id).toList(), styles).toTsv(),
        written);
    writeText(stickers.resolve("SOURCES.md"), sourcesMarkdown(tarballs, n), written);
    copyLicenses(tarballs, written);
    return new Result(n, written);
  }

  private List<Candidate> join(
      Map<String, byte[]> google,
      Map<String, byte[]> twitter,
      Map<String, byte[]> openmoji,
      Map<String, byte[]> fluent)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> openmojiByKey = new LinkedHashMap<>();
    for (JsonNode o : json.readTree(require(openmoji, "package/data/openmoji.json"))) {
      if (o.path("skintone").asText("").isEmpty()) {
        openmojiByKey.putIfAbsent(joinKey(o.path("hexcode").asText()), o);
      }
    }
    List<JsonNode> datasource = new ArrayList<>();
    json.readTree(require(google, "package/emoji.json")).forEach(datasource::add);
    datasource.sort(Comparator.comparingInt(d -> d.path("sort_order").asInt()));

    List<Candidate> out = new ArrayList<>();
    for (JsonNode d : datasource) {
      String category = d.path("category").asText();
      String unified = d.path("unified").asText();
      if (category.equals("Flags") || category.equals("Component") || unified.contains("20E3")) {
        continue;
      }
      String image = d.path("image").asText();
      byte[] g = google.get("package/img/google/64/" + image);
      byte[] t = twitter.get("package/img/twitter/64/" + image);
      JsonNode o = openmojiByKey.get(joinKey(unified));
      if (g == null || t == null || o == null) {
        continue;
      }
      byte[] om = openmoji.get("package/color/svg/" + o.path("hexcode").asText() + ".svg");
      String slug = fluentSlug(o, fluent);
      if (om == null || slug == null) {
        continue;
      }
      out.add(
          new Candidate(
              unified,
              o.path("annotation").asText(),
              category,
              d.path("subcategory").asText(),
              g,
              t,
              om,
              fluent.get("package/icons/flat/" + slug + ".svg"),
              fluent.get("package/icons/modern/" + slug + ".svg")));
    }
    return out;
  }

  /** Datasource and OpenMoji disagree on variation selectors; compare code points without them. */
  static String joinKey(String hexcode) {
    return hexcode.toUpperCase(Locale.ROOT).replace("-FE0F", "");
  }

  /** Fluent files are named by the CLDR name (OpenMoji's annotation) as a slug. */
  private static String fluentSlug(JsonNode openmoji, Map<String, byte[]> fluent) {
    String slug = slug(openmoji.path("annotation").asText());
    String possessive = slug.replace("-s-", "s-");
    for (String candidate : List.of(slug, slug + "-default", possessive, possessive + "-default")) {
      if (fluent.containsKey("package/icons/flat/" + candidate + ".svg")
          && fluent.containsKey("package/icons/modern/" + candidate + ".svg")) {
        return candidate;
      }
    }
    return null;
  }

  static String slug(String name) {
    String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }

  private static byte[] require(Map<String, byte[]> files, String path) {
    byte[] bytes = files.get(path);
    if (bytes == null) {
      throw new IllegalStateException("tarball lacks " + path);
    }
    return bytes;
  }

  private static String indexTsv(List<Candidate> candidates) {
    StringBuilder sb = new StringBuilder("index\tid\tname\tcategory\tsubcategory\n");
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      sb.append(i)
          .append('\t')
          .append(c.id())
          .append('\t')
          .append(c.name())
          .append('\t')
          .append(c.category())
          .append('\t')
          .append(c.subcategory())
          .append('\n');
    }
    return sb.toString();
  }

  private static String sourcesMarkdown(Map<EmojiSource, Path> tarballs, int count)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Sources of the sticker dataset\n\n")
        .append("Built by `java -jar target/pigeon-streams.jar dataset build` from these npm")
        .append(" tarballs (fetched with `npm pack`). ")
        .append(count)
        .append(" emoji in ")
        .append(StickerDataset.STYLES.size())
        .append(" styles; each source's license is under `data/licenses/`.\n\n")
        .append("| package | tarball SHA-256 | image license | attribution |\n")
        .append("| --- | --- | --- | --- |\n");
    for (Map.Entry<EmojiSource, Path> e : tarballs.entrySet()) {
      EmojiSource s = e.getKey();
      sb.append("| `")
          .append(s.spec())
          .append("` | `")
          .append(sha256(Files.readAllBytes(e.getValue())))
          .append("` | ")
          .append(s.imageLicense())
          .append(" | ")
          .append(s.attribution())
          .append(" |\n");
    }
    sb.append("\nStyles: ")
        .append(String.join(", ", StickerDataset.STYLES))
        .append(" (google and twitter from the 64 px PNGs, the rest rasterized from SVG with")
        .append(" JSVG). Every emoji is cropped to its visible pixels, scaled so its larger side")
        .append(" fills 28/32 of the frame, centred on white and area-averaged to ")
        .append(StickerDataset.SIZES[0])
        .append(" px (model) and ")
        .append(StickerDataset.SIZES[1])
        .append(" px (gallery).\n");
    return sb.toString();
  }

  private void copyLicenses(Map<EmojiSource, Path> tarballs, Map<String, String> written)
      throws IOException {
    for (Map.Entry<EmojiSource, Path> e : tarballs.entrySet()) {
      EmojiSource source = e.getKey();
      Map<String, byte[]> files =
          readTar(
              e.getValue(),
              p -> source.licenseFiles().contains(p) || p.equals("package/package.json"));
      Path dir = outDir.resolve("licenses").resolve(source.packageName());
      Files.createDirectories(dir);
      for (String licenseFile : source.licenseFiles()) {
        Path target = dir.resolve(Path.of(licenseFile).getFileName().toString());
        Files.write(target, require(files, licenseFile));
        written.put(outDir.relativize(target).toString(), sha256(Files.readAllBytes(target)));
      }
      writeText(
          dir.resolve("ATTRIBUTION.txt"),
          source.spec()
              + "\nImage license: "
              + source.imageLicense()
              + "\n"
              + source.attribution()
              + "\n",
          written);
    }
  }

  private void writeText(Path file, String text, Map<String, String> written) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Files.write(file, bytes);
    written.put(outDir.relativize(file).toString(), sha256(bytes));
  }

  static Map<String, byte[]> readTar(Path tgz, Predicate<String> wanted) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (entry.isFile() && wanted.test(entry.getName())) {
          files.put(entry.getName(), tar.readAllBytes());
        }
      }
    }
    return files;
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Bytes(bytes));
  }

  static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private ProgressBar progressBar(String task, long total) {
    return progress ? new ProgressBar(task, total) : null;
  }
}
