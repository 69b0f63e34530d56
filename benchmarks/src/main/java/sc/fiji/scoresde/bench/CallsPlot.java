package sc.fiji.scoresde.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import sc.fiji.scoresde.io.AtomicFiles;

/**
 * Log–log panels of a quality figure against network calls, one line per sampler, with an optional dashed
 * reference level (the exact-sample floor, held-out data); the benches' plots.
 */
final class CallsPlot {

	/** One panel: points per series, in the order added. */
	static final class Panel {

		final String title;
		final Map<String, List<double[]>> series = new LinkedHashMap<>();
		double reference = Double.NaN;
		String referenceLabel = "";

		Panel(final String title) {
			this.title = title;
		}

		Panel point(final String series, final double calls, final double value) {
			this.series.computeIfAbsent(series, k -> new ArrayList<>()).add(new double[] { calls, value });
			return this;
		}

		Panel reference(final double value, final String label) {
			this.reference = value;
			this.referenceLabel = label;
			return this;
		}
	}

	private static final Color[] COLORS = { new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
		new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194) };

	private CallsPlot() {}

	static void write(final List<Panel> panels, final double minCalls, final double maxCalls, final Path file)
		throws IOException
	{
		final int panel = 500, w = panel * panels.size(), h = 480;
		final BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		final Graphics2D g = img.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, w, h);
		final Map<String, Color> colorOf = new LinkedHashMap<>();
		for (final Panel p : panels)
			for (final String s : p.series.keySet())
				colorOf.putIfAbsent(s, COLORS[colorOf.size() % COLORS.length]);
		for (int i = 0; i < panels.size(); i++) {
			final Panel p = panels.get(i);
			final int x0 = i * panel + 60, y0 = 40, pw = panel - 80, ph = h - 110;
			double lo = Double.MAX_VALUE, hi = 0;
			for (final List<double[]> points : p.series.values())
				for (final double[] q : points)
					if (q[1] > 0 && Double.isFinite(q[1])) {
						lo = Math.min(lo, q[1]);
						hi = Math.max(hi, q[1]);
					}
			if (p.reference > 0) lo = Math.min(lo, p.reference);
			lo /= 1.5;
			hi *= 1.5;
			final double cLo = Math.log10(minCalls), cHi = Math.log10(maxCalls);
			final double yLo = Math.log10(Math.max(lo, 1e-8)), yHi = Math.log10(Math.max(hi, 1e-7));
			g.setColor(Color.BLACK);
			g.setStroke(new BasicStroke(1));
			g.drawRect(x0, y0, pw, ph);
			g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
			g.drawString(p.title, x0, y0 - 12);
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
			for (int c = 1; c <= maxCalls; c *= 10) {
				if (c < minCalls) continue;
				final int px = x0 + (int) ((Math.log10(c) - cLo) / (cHi - cLo) * pw);
				g.drawString(Integer.toString(c), px - 8, y0 + ph + 15);
			}
			g.drawString("network calls", x0 + pw / 2 - 35, y0 + ph + 32);
			for (int e = (int) Math.floor(yLo); e <= Math.ceil(yHi); e++) {
				final int py = y0 + ph - (int) ((e - yLo) / (yHi - yLo) * ph);
				if (py >= y0 && py <= y0 + ph) g.drawString("1e" + e, x0 - 40, py + 4);
			}
			if (p.reference > 0) {
				final int fy = y0 + ph - (int) ((Math.log10(p.reference) - yLo) / (yHi - yLo) * ph);
				g.setColor(Color.GRAY);
				g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 6, 4 },
					0));
				g.drawLine(x0, fy, x0 + pw, fy);
				g.drawString(p.referenceLabel, x0 + 5, fy - 4);
			}
			int legend = 0;
			for (final Map.Entry<String, List<double[]>> s : p.series.entrySet()) {
				g.setColor(colorOf.get(s.getKey()));
				g.setStroke(new BasicStroke(2));
				int px = -1, py = -1;
				for (final double[] q : s.getValue()) {
					if (!(q[1] > 0) || !Double.isFinite(q[1])) continue;
					final int qx = x0 + (int) ((Math.log10(q[0]) - cLo) / (cHi - cLo) * pw);
					final int qy = y0 + ph - (int) ((Math.log10(q[1]) - yLo) / (yHi - yLo) * ph);
					g.fillOval(qx - 3, qy - 3, 6, 6);
					if (px >= 0) g.drawLine(px, py, qx, qy);
					px = qx;
					py = qy;
				}
				if (i == 0) g.drawString(s.getKey(), x0 + pw - 110, y0 + 18 + 14 * legend++);
			}
		}
		g.dispose();
		AtomicFiles.write(file, o -> ImageIO.write(img, "png", o));
	}
}
