package io.pigeonstreams.train;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model card a training run writes beside its weights, from a template in {@code
 * src/main/resources/model-cards/<template>.md}. A placeholder names a value and, optionally, its
 * format: {@code {report.lastLoss:%.3f}} is the {@code lastLoss} component of the value {@code
 * report}, formatted with {@code %.3f}; {@code {report.millis:minutes}} shows milliseconds as
 * minutes with one decimal.
 */
public final class ModelCard {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][\\w.]*)(?::([^}]+))?}");

  private ModelCard() {}

  /** The template {@code model-cards/<template>.md} with its placeholders filled from values. */
  public static String fill(String template, Map<String, ?> values) {
    return render(template(template), values);
  }

  /** Fills the placeholders of a template text. */
  public static String render(String text, Map<String, ?> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      Object value = resolve(m.group(1), values);
      String format = m.group(2);
      String shown;
      if (format == null) {
        shown = String.valueOf(value);
      } else if (format.equals("minutes")) {
        shown = String.format(Locale.ROOT, "%.1f", ((Number) value).doubleValue() / 60000.0);
      } else {
        shown = String.format(Locale.ROOT, format, value);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(shown));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Writes a card (UTF-8) and returns it. */
  public static String write(Path file, String card) throws IOException {
    Files.writeString(file, card, StandardCharsets.UTF_8);
    return card;
  }

  static String template(String name) {
    String resource = "/model-cards/" + name + ".md";
    try (InputStream in = ModelCard.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no model-card template " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code name.component...}: a value, then a no-argument accessor of it per dot. */
  private static Object resolve(String path, Map<String, ?> values) {
    String[] parts = path.split("\\.");
    if (!values.containsKey(parts[0])) {
      throw new IllegalArgumentException("model card: no value for {" + path + "}");
    }
    Object value = values.get(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      try {
        value = value.getClass().getMethod(parts[i]).invoke(value);
      } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
        throw new IllegalArgumentException("model card: cannot read {" + path + "}", e);
      }
    }
    return value;
  }
}
