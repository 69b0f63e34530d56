package sc.fiji.scoresde.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.imageio.ImageIO;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.generate.Engines;
import sc.fiji.scoresde.io.AtomicFiles;
import sc.fiji.scoresde.sampling.GaussianMixtureScore;
import sc.fiji.scoresde.sampling.MixtureBenchmark;
import sc.fiji.scoresde.sampling.Sampler;
import sc.fiji.scoresde.sampling.SamplerOptions;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.SchedulerConfig;
import sc.fiji.scoresde.sampling.TorchNoise;

/**
 * {@code score-sde bench-samplers}: every sampler at several call budgets on the exact score of a Gaussian mixture
 * in 3×32×32 dimensions; prints the errors of mode proportions, per-mode means and standard deviations against the
 * truth, and plots them.
 */
@Command(name = "bench-samplers", mixinStandardHelpOptions = true,
	description = "Accuracy per network call of every sampler on an exact Gaussian-mixture score.")
final class SamplerBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--samples", defaultValue = "500", description = "samples per run (default: ${DEFAULT-VALUE})")
	private int samples;

	@Option(names = "--budgets", split = ",", defaultValue = "10,20,50,100,200,1000,4000",
		description = "network-call budgets (default: ${DEFAULT-VALUE})")
	private List<Integer> budgets;

	@Option(names = "--plot", paramLabel = "FILE.png", description = "write the plot here")
	private Path plot;

	/** One row of the table. */
	static final class Row {

		String sampler;
		String setting;
		int calls;
		MixtureBenchmark.Errors errors;
	}

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		Engines.pytorch();
		final MixtureBenchmark mixture = new MixtureBenchmark(4, 3, 32, 0.1, 7);
		final SchedulerConfig config = new SchedulerConfig();
		config.sigmaMin = 0.01;
		config.sigmaMax = 100;
		config.snr = 0.16;
		final MixtureBenchmark.Errors floor = mixture.errors(mixture.exactSamples(samples, 1));
		out.printf(Locale.ROOT, "# Gaussian mixture: 4 modes in 3×32×32 = %d dims, weights %s, s = %.2f; sigma %.2f…%.0f;" +
			" %d samples per run%n", mixture.dims(), java.util.Arrays.toString(mixture.weights), mixture.std,
			config.sigmaMin, config.sigmaMax, samples);
		out.printf(Locale.ROOT, "%-18s %-14s %7s %11s %11s %11s%n", "sampler", "setting", "calls", "proportion",
			"mean", "std");
		out.printf(Locale.ROOT, "%-18s %-14s %7s %11.5f %11.5f %11.5f%n", "exact-samples", "-", "-", floor.proportion,
			floor.mean, floor.std);
		final List<Row> rows = new ArrayList<>();
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			final GaussianMixtureScore score = mixture.score(m);
			for (final String name : SamplerOptions.NAMES) {
				if (name.equals("ode")) {
					for (final double tol : new double[] { 1e-1, 3e-2, 1e-2, 1e-3, 1e-5 })
						rows.add(run(out, mixture, score, m, config, name, 1, tol, "tol " + tol));
					continue;
				}
				for (final int budget : budgets) {
					final int steps;
					switch (name) {
						case "pc": steps = Math.max(1, budget / 2); break;
						case "heun": steps = Math.max(1, (budget + 1) / 2); break;
						default: steps = budget;
					}
					rows.add(run(out, mixture, score, m, config, name, steps, 0, "steps " + steps));
				}
			}
		}
		final Row reference = rows.stream().filter(r -> r.sampler.equals("pc") && r.calls == 4000).findFirst()
			.orElse(null);
		if (reference != null) {
			final double p = Math.max(reference.errors.proportion, floor.proportion);
			final double mu = Math.max(reference.errors.mean, floor.mean);
			final double sd = Math.max(reference.errors.std, floor.std);
			Row best = null;
			for (final Row r : rows)
				if (r.calls <= 100 && r.errors.proportion <= 1.25 * p && r.errors.mean <= 1.25 * mu && r.errors.std <=
					1.25 * sd && (best == null || r.calls < best.calls)) best = r;
			out.println(best == null ? "# no sampler at ≤ 100 calls matches pc with 4000 calls" : String.format(Locale.ROOT,
				"# at ≤ 100 calls, %s (%s, %d calls) matches pc with 4000 calls (each error ≤ 1.25 × max(pc-4000," +
					" exact-sample floor))", best.sampler, best.setting, best.calls));
			out.printf(Locale.ROOT, "matching-sampler %s %d%n", best == null ? "none" : best.sampler, best == null ? -1
				: best.calls);
		}
		if (plot != null) plot(rows, floor, plot);
		out.flush();
		return 0;
	}

	private Row run(final java.io.PrintWriter out, final MixtureBenchmark mixture, final GaussianMixtureScore score,
		final NDManager m, final SchedulerConfig config, final String name, final int steps, final double tol,
		final String setting)
	{
		final SamplerOptions o = new SamplerOptions();
		o.name = name;
		o.steps = steps;
		if (tol > 0) o.odeTolerance = tol;
		final Sampler sampler = o.create(config);
		final SamplingControl control = new SamplingControl();
		final Row row = new Row();
		TorchNoise.GENERATOR_LOCK.lock();
		try (NDManager run = m.newSubManager()) {
			final NDArray x = sampler.sample(score, run, mixture.shape(samples), new TorchNoise(steps), control);
			row.errors = mixture.errors(x);
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
		row.sampler = name;
		row.setting = setting;
		row.calls = control.calls();
		out.printf(Locale.ROOT, "%-18s %-14s %7d %11.5f %11.5f %11.5f%n", name, setting, row.calls,
			row.errors.proportion, row.errors.mean, row.errors.std);
		out.flush();
		return row;
	}

	private static void plot(final List<Row> rows, final MixtureBenchmark.Errors floor, final Path file)
		throws Exception
	{
		final int w = 1500, h = 480, panel = 500;
		final BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		final Graphics2D g = img.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, w, h);
		final String[] titles = { "mode proportion error", "per-mode mean error (RMS)", "per-mode std error" };
		final double[] floors = { floor.proportion, floor.mean, floor.std };
		final Color[] colors = { new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214,
			39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194) };
		final Map<String, Color> colorOf = new LinkedHashMap<>();
		for (final Row r : rows)
			colorOf.putIfAbsent(r.sampler, colors[colorOf.size() % colors.length]);
		for (int p = 0; p < 3; p++) {
			final int x0 = p * panel + 60, y0 = 40, pw = panel - 80, ph = h - 110;
			double lo = Double.MAX_VALUE, hi = 0;
			for (final Row r : rows) {
				final double v = metric(r.errors, p);
				if (v > 0 && Double.isFinite(v)) {
					lo = Math.min(lo, v);
					hi = Math.max(hi, v);
				}
			}
			lo = Math.min(lo, floors[p]) / 1.5;
			hi = hi * 1.5;
			final double cLo = Math.log10(5), cHi = Math.log10(6000);
			final double yLo = Math.log10(Math.max(lo, 1e-8)), yHi = Math.log10(Math.max(hi, 1e-7));
			g.setColor(Color.BLACK);
			g.setStroke(new BasicStroke(1));
			g.drawRect(x0, y0, pw, ph);
			g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
			g.drawString(titles[p], x0, y0 - 12);
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
			for (final int c : new int[] { 10, 100, 1000 }) {
				final int px = x0 + (int) ((Math.log10(c) - cLo) / (cHi - cLo) * pw);
				g.drawString(Integer.toString(c), px - 8, y0 + ph + 15);
			}
			g.drawString("network calls", x0 + pw / 2 - 35, y0 + ph + 32);
			for (int e = (int) Math.floor(yLo); e <= Math.ceil(yHi); e++) {
				final int py = y0 + ph - (int) ((e - yLo) / (yHi - yLo) * ph);
				if (py >= y0 && py <= y0 + ph) g.drawString("1e" + e, x0 - 40, py + 4);
			}
			final int fy = y0 + ph - (int) ((Math.log10(floors[p]) - yLo) / (yHi - yLo) * ph);
			g.setColor(Color.GRAY);
			g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 6, 4 }, 0));
			g.drawLine(x0, fy, x0 + pw, fy);
			g.drawString("exact samples", x0 + 5, fy - 4);
			int legend = 0;
			for (final Map.Entry<String, Color> e : colorOf.entrySet()) {
				g.setColor(e.getValue());
				g.setStroke(new BasicStroke(2));
				int px = -1, py = -1;
				for (final Row r : rows) {
					if (!r.sampler.equals(e.getKey())) continue;
					final double v = metric(r.errors, p);
					if (!(v > 0) || !Double.isFinite(v)) continue;
					final int qx = x0 + (int) ((Math.log10(r.calls) - cLo) / (cHi - cLo) * pw);
					final int qy = y0 + ph - (int) ((Math.log10(v) - yLo) / (yHi - yLo) * ph);
					g.fillOval(qx - 3, qy - 3, 6, 6);
					if (px >= 0) g.drawLine(px, py, qx, qy);
					px = qx;
					py = qy;
				}
				if (p == 0) {
					g.drawString(e.getKey(), x0 + pw - 110, y0 + 18 + 14 * legend++);
				}
			}
		}
		g.dispose();
		AtomicFiles.write(file, o -> ImageIO.write(img, "png", o));
	}

	private static double metric(final MixtureBenchmark.Errors e, final int p) {
		return p == 0 ? e.proportion : p == 1 ? e.mean : e.std;
	}
}
