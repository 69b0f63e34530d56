package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.runtime.Engines;
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
		throws java.io.IOException
	{
		final String[] titles = { "mode proportion error", "per-mode mean error (RMS)", "per-mode std error" };
		final List<CallsPlot.Panel> panels = new ArrayList<>();
		for (int p = 0; p < 3; p++) {
			final CallsPlot.Panel panel = new CallsPlot.Panel(titles[p]).reference(metric(floor, p), "exact samples");
			for (final Row r : rows)
				panel.point(r.sampler, r.calls, metric(r.errors, p));
			panels.add(panel);
		}
		CallsPlot.write(panels, 5, 6000, file);
	}

	private static double metric(final MixtureBenchmark.Errors e, final int p) {
		return p == 0 ? e.proportion : p == 1 ? e.mean : e.std;
	}
}
