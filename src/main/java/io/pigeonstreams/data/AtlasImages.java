package io.pigeonstreams.data;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.view.ViewBox;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The dataset's images: decoding the sources (PNG, SVG), the per-style atlases and writing them.
 */
final class AtlasImages {

  /** SVG sources are rendered at this size before being area-averaged down. */
  private static final int SVG_RENDER = 512;

  private AtlasImages() {}

  static BufferedImage decodePng(byte[] png, String id) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    if (image == null) {
      throw new IOException("cannot decode PNG of " + id);
    }
    BufferedImage argb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = argb.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return argb;
  }

  static BufferedImage renderSvg(byte[] svg, String id) {
    SVGDocument doc =
        new SVGLoader().load(new ByteArrayInputStream(svg), null, LoaderContext.createDefault());
    if (doc == null) {
      throw new IllegalStateException("cannot parse SVG of " + id);
    }
    BufferedImage image = new BufferedImage(SVG_RENDER, SVG_RENDER, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      doc.render(null, g, new ViewBox(0, 0, SVG_RENDER, SVG_RENDER));
    } finally {
      g.dispose();
    }
    return image;
  }

  static String atlasName(String style, int size) {
    return style + "-" + size + ".png";
  }

  static BufferedImage newAtlas(int count, int size) {
    int rows = (count + StickerDataset.ATLAS_COLUMNS - 1) / StickerDataset.ATLAS_COLUMNS;
    BufferedImage atlas =
        new BufferedImage(
            StickerDataset.ATLAS_COLUMNS * size, rows * size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = atlas.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, atlas.getWidth(), atlas.getHeight());
    g.dispose();
    return atlas;
  }

  static void placeTile(BufferedImage atlas, int index, int size, BufferedImage tile) {
    int x = (index % StickerDataset.ATLAS_COLUMNS) * size;
    int y = (index / StickerDataset.ATLAS_COLUMNS) * size;
    atlas.setRGB(x, y, size, size, tile.getRGB(0, 0, size, size, null, 0, size), 0, size);
  }

  /** PNG at the highest deflate level: the committed atlases must stay small. */
  static void writePng(BufferedImage image, Path file) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.0f);
    Files.deleteIfExists(file); // the stream would overwrite in place and keep a longer tail
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
