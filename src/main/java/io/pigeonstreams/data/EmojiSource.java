package io.pigeonstreams.data;

import java.util.List;

/**
 * One npm package the sticker dataset is built from, pinned to a version and a SHA-256 of its
 * tarball, with the license its images are under.
 */
public record EmojiSource(
    String packageName,
    String version,
    String tarballSha256,
    String imageLicense,
    List<String> licenseFiles,
    String attribution) {

  public String spec() {
    return packageName + "@" + version;
  }

  public String tarballName() {
    return packageName + "-" + version + ".tgz";
  }

  public static final EmojiSource GOOGLE =
      new EmojiSource(
          "emoji-datasource-google",
          "16.0.0",
          "fb5fd131b362aab7a55542d2a147a79708cce0a8b1c1bbacd470172708b5c438",
          "Apache-2.0 (Noto Emoji images); MIT (emoji-data)",
          List.of("package/LICENSE"),
          "Noto Emoji by Google, Apache License 2.0, via emoji-datasource by Cal Henderson (MIT)");
  public static final EmojiSource TWITTER =
      new EmojiSource(
          "emoji-datasource-twitter",
          "16.0.0",
          "f64a530c63bca463bd8317fdc4615ce63a53a0c65018e4ce2d848aaba7a28877",
          "CC-BY-4.0 (Twemoji images); MIT (emoji-data)",
          List.of("package/LICENSE"),
          "Twemoji by Twitter, Inc and other contributors, CC BY 4.0"
              + " (https://creativecommons.org/licenses/by/4.0/), via emoji-datasource (MIT)");
  public static final EmojiSource OPENMOJI =
      new EmojiSource(
          "openmoji",
          "17.0.0",
          "55ee7d13485dec86e9f38c1f3a645a13382d33ff97c0cd845ee824b0aef45e68",
          "CC-BY-SA-4.0",
          List.of("package/LICENSE.txt"),
          "OpenMoji, the open-source emoji and icon project, CC BY-SA 4.0 (https://openmoji.org)."
              + " The OpenMoji-derived images in data/stickers are shared under CC BY-SA 4.0.");
  public static final EmojiSource FLUENT =
      new EmojiSource(
          "fluentui-emoji",
          "1.3.0",
          "ec892e607e854859b812c7d827801756adc19955b0ef56d4ae8afcddd19492c5",
          "MIT",
          List.of("package/LICENSE"),
          "Fluent Emoji by Microsoft (MIT), packaged by Mohammad Abu Mattar (MIT)");

  public static List<EmojiSource> all() {
    return List.of(GOOGLE, TWITTER, OPENMOJI, FLUENT);
  }
}
