package io.pigeonstreams.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Personalization and semantic alignment against a mask ratio (the paper's Fig. 4b), as a PNG:
 * style accuracy and history similarity (personalization), identity top-5 and reference similarity
 * (semantic alignment), and the overall score.
 */
public final class SweepPlot {

  private SweepPlot() {}

  /**
   * @param ratio the swept ratio's name, e.g. {@code alpha_h}
   * @param values the ratio of each row
   */
  public static void write(
      Path png, String title, String ratio, List<Double> values, List<MetricsRow> rows)
      throws IOException {
    if (values.size() != rows.size()) {
      throw new IllegalArgumentException(values.size() + " values for " + rows.size() + " rows");
    }
    XYSeries style = new XYSeries("style acc (personalization)");
    XYSeries hist = new XYSeries("hist sim (personalization)");
    XYSeries identity = new XYSeries("identity top-5 (semantic alignment)");
    XYSeries ref = new XYSeries("ref sim (semantic alignment)");
    XYSeries overall = new XYSeries("overall");
    for (int i = 0; i < rows.size(); i++) {
      double x = values.get(i);
      MetricsRow r = rows.get(i);
      style.add(x, r.styleAcc());
      hist.add(x, r.histSim());
      identity.add(x, r.identityTop5());
      ref.add(x, r.refSim());
      overall.add(x, r.overall());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : List.of(style, hist, identity, ref, overall)) {
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, ratio, "score", data, PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {
      new Color(0x1f77b4),
      new Color(0x6baed6),
      new Color(0xd62728),
      new Color(0xff9896),
      Color.BLACK
    };
    for (int i = 0; i < colors.length; i++) {
      renderer.setSeriesPaint(i, colors[i]);
      renderer.setSeriesStroke(
          i,
          i % 2 == 1 && i < 4
              ? new BasicStroke(
                  2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
              : new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 720, 440);
  }
}
