package io.pigeonstreams.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The committed sticker dataset: every emoji in every style, read from {@code data/stickers}.
 * Images are 3x32x32 float arrays (CHW, values in [0, 1]) for models and judges; the 48 px gallery
 * tiles are read on demand.
 */
public final class StickerDataset {

  /** The visual styles, in atlas order. A style plays the part of a sticker theme. */
  public static final List<String> STYLES =
      List.of("google", "twitter", "openmoji", "fluent-flat", "fluent-modern");

  /** Model resolution first, gallery resolution second. */
  static final int[] SIZES = {32, 48};

  public static final int SIZE = 32;
  public static final int CHANNELS = 3;
  public static final int PIXELS = CHANNELS * SIZE * SIZE;
  static final int ATLAS_COLUMNS = 40;
  static final String INDEX_FILE = "emoji.tsv";
  static final String HELDOUT_FILE = "heldout.tsv";

  /** One emoji: its code points (the id), CLDR name, category and subcategory. */
  public record Emoji(int index, String id, String name, String category, String subcategory) {}

  private final Path dir;
  private final List<Emoji> emoji;
  private final HeldOutPairs heldOut;
  private final float[][] images; // [emoji * styles + style] -> (3, 32, 32)
  private final Map<String, BufferedImage> galleryAtlases = new LinkedHashMap<>();

  private StickerDataset(Path dir, List<Emoji> emoji, HeldOutPairs heldOut, float[][] images) {
    this.dir = dir;
    this.emoji = Collections.unmodifiableList(emoji);
    this.heldOut = heldOut;
    this.images = images;
  }

  /**
   * Loads the dataset from {@code dataDir/stickers}.
   *
   * @throws IOException with a message naming the missing file and how to get it
   */
  public static StickerDataset load(Path dataDir) throws IOException {
    Path dir = dataDir.resolve("stickers");
    List<String> lines = readLines(dir.resolve(INDEX_FILE));
    List<Emoji> emoji = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      emoji.add(new Emoji(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4]));
    }
    HeldOutPairs heldOut = HeldOutPairs.parse(readLines(dir.resolve(HELDOUT_FILE)));
    float[][] images = new float[emoji.size() * STYLES.size()][];
    for (int s = 0; s < STYLES.size(); s++) {
      BufferedImage atlas = readAtlas(dir.resolve(AtlasImages.atlasName(STYLES.get(s), SIZE)));
      for (int e = 0; e < emoji.size(); e++) {
        images[e * STYLES.size() + s] = toChw(tile(atlas, e, SIZE));
      }
    }
    return new StickerDataset(dir, emoji, heldOut, images);
  }

  private static List<String> readLines(Path file) throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw missing(file);
    }
  }

  private static BufferedImage readAtlas(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw missing(file);
    }
    BufferedImage image = ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException(file + " is not a readable PNG");
    }
    return image;
  }

  private static IOException missing(Path file) {
    return new NoSuchFileException(
        file.toString(),
        null,
        "sticker dataset file missing; run from the repository root, pass --data DIR,"
            + " or rebuild it with `pigeon-streams dataset build`");
  }

  static BufferedImage tile(BufferedImage atlas, int index, int size) {
    int x = (index % ATLAS_COLUMNS) * size;
    int y = (index / ATLAS_COLUMNS) * size;
    if (y + size > atlas.getHeight()) {
      throw new IllegalStateException("atlas too small for emoji " + index);
    }
    return atlas.getSubimage(x, y, size, size);
  }

  /** RGB image to a (3, H, W) float array in [0, 1]. */
  public static float[] toChw(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    float[] chw = new float[3 * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        int p = y * w + x;
        chw[p] = ((rgb >> 16) & 0xff) / 255f;
        chw[h * w + p] = ((rgb >> 8) & 0xff) / 255f;
        chw[2 * h * w + p] = (rgb & 0xff) / 255f;
      }
    }
    return chw;
  }

  /** A (3, size, size) float array in [0, 1] back to an RGB image. */
  public static BufferedImage fromChw(float[] chw, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int plane = size * size;
    for (int p = 0; p < plane; p++) {
      int r = clampByte(chw[p]);
      int g = clampByte(chw[plane + p]);
      int b = clampByte(chw[2 * plane + p]);
      image.setRGB(p % size, p / size, (r << 16) | (g << 8) | b);
    }
    return image;
  }

  private static int clampByte(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }

  public List<Emoji> emoji() {
    return emoji;
  }

  public int emojiCount() {
    return emoji.size();
  }

  public int styleCount() {
    return STYLES.size();
  }

  /** Split a pair is reserved for: TRAIN unless it is one of the held-out pairs. */
  public Split splitOf(int emojiIndex, int style) {
    return heldOut.splitOf(emoji.get(emojiIndex).id(), STYLES.get(style));
  }

  /** All (emoji, style) pairs of a split, emoji by emoji, as {@code {emoji, style}}. */
  public List<int[]> pairs(Split split) {
    List<int[]> out = new ArrayList<>();
    for (int e = 0; e < emojiCount(); e++) {
      for (int s = 0; s < styleCount(); s++) {
        if (splitOf(e, s) == split) {
          out.add(new int[] {e, s});
        }
      }
    }
    return out;
  }

  /** The 3x32x32 image of an emoji in a style; shared, do not modify. */
  public float[] image(int emojiIndex, int style) {
    return images[emojiIndex * STYLES.size() + style];
  }

  /** The 48 px gallery tile of an emoji in a style. */
  public synchronized BufferedImage galleryTile(int emojiIndex, int style) throws IOException {
    int size = SIZES[1];
    String name = AtlasImages.atlasName(STYLES.get(style), size);
    BufferedImage atlas = galleryAtlases.get(name);
    if (atlas == null) {
      atlas = readAtlas(dir.resolve(name));
      galleryAtlases.put(name, atlas);
    }
    return tile(atlas, emojiIndex, size);
  }
}
