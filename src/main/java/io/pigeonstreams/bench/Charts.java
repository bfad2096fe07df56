package io.pigeonstreams.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The benchmarks' results drawn as PNG charts (JFreeChart, headless). */
public final class Charts {

  private static final int WIDTH = 800;
  private static final int HEIGHT = 480;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)
  };

  private Charts() {}

  /**
   * One series of points.
   *
   * @param lines joined by lines (a measured curve), or points alone (single measurements)
   */
  public record Series(String name, double[] x, double[] y, boolean lines) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException(name + ": " + x.length + " x but " + y.length + " y");
      }
    }

    public static Series line(String name, List<Double> x, List<Double> y) {
      return new Series(name, unbox(x), unbox(y), true);
    }

    public static Series points(String name, double[] x, double[] y) {
      return new Series(name, x, y, false);
    }
  }

  /**
   * Writes an XY chart to {@code png}.
   *
   * @param logX a base-2 logarithmic x axis (batch sizes)
   */
  public static void xy(
      Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = new XYSeriesCollection();
    for (Series s : series) {
      XYSeries xy = new XYSeries(s.name(), false, true);
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
          xy.add(s.x()[i], s.y()[i]);
        }
      }
      data.addSeries(xy);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    for (int i = 0; i < series.size(); i++) {
      renderer.setSeriesLinesVisible(i, series.get(i).lines());
      renderer.setSeriesShapesVisible(i, !series.get(i).lines() || series.get(i).x().length < 20);
      if (!series.get(i).lines()) { // single measurements: large enough to see over a curve
        renderer.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
      }
      renderer.setSeriesPaint(i, COLORS[i % COLORS.length]);
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    if (logX) {
      LogAxis axis = new LogAxis(xLabel);
      axis.setBase(2);
      axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
      plot.setDomainAxis(axis);
    }
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
  }

  /** The empirical distribution of {@code values}: sorted values against the share at or below. */
  public static Series cdf(String name, List<Double> values) {
    double[] x = unbox(values);
    Arrays.sort(x);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (i + 1.0) / x.length;
    }
    return new Series(name, x, y, true);
  }

  private static double[] unbox(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
