package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.restore.PosteriorBenchmark;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * {@code score-sde bench-inpainting}: every conditional method (inpainting, colorization, denoising, guided
 * synthesis) and its variants on a Gaussian mixture whose posterior is known exactly; prints mode-proportion,
 * mean and standard-deviation errors against the exact posterior next to the noise floor of as many exact samples.
 */
@Command(name = "bench-inpainting", mixinStandardHelpOptions = true,
	description = "Inpainting, colorization, denoising and SDEdit against exact Gaussian-mixture posteriors.")
final class PosteriorBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--samples", defaultValue = "2000", description = "posterior samples per run (default: " +
		"${DEFAULT-VALUE})")
	private int samples;

	@Option(names = "--budget", defaultValue = "1000", description = "network calls per run, about (default: " +
		"${DEFAULT-VALUE})")
	private int budget;

	@Option(names = "--seed", defaultValue = "0", description = "noise seed of the runs (default: ${DEFAULT-VALUE})")
	private long seed;

	/** One method: sampler, steps for the budget, resamplings. */
	static final class Method {

		final String label, sampler;
		final int steps, resamplings;

		Method(final String label, final String sampler, final int steps, final int resamplings) {
			this.label = label;
			this.sampler = sampler;
			this.steps = steps;
			this.resamplings = resamplings;
		}
	}

	static List<Method> methods(final Restoration.Task task, final int budget) {
		final List<Method> m = new ArrayList<>();
		if (task == Restoration.Task.DENOISE) m.add(new Method("tweedie-mean", "pc", 1, 0));
		m.add(new Method("pc", "pc", Math.max(1, budget / 2), 0));
		if (task == Restoration.Task.INPAINT || task == Restoration.Task.COLORIZE) {
			m.add(new Method("pc+resample1", "pc", Math.max(1, budget / 4), 1));
			m.add(new Method("pc+resample3", "pc", Math.max(1, budget / 8), 3));
		}
		m.add(new Method("em", "em", budget, 0));
		if (task != Restoration.Task.DENOISE) {
			m.add(new Method("heun", "heun", Math.max(1, (budget + 1) / 2), 0));
			m.add(new Method("ode", "ode", 1, 0));
		}
		return m;
	}

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		if (samples < 100 || samples > 100_000) throw new IllegalArgumentException("--samples must be between 100 " +
			"and 100000");
		if (budget < 8) throw new IllegalArgumentException("--budget must be ≥ 8");
		Engines.pytorch();
		final SchedulerConfig config = PosteriorBenchmark.config();
		out.printf(Locale.ROOT, "# exact Gaussian-mixture posteriors (3 modes, rank-3 correlated covariances); sigma " +
			"%.2f…%.0f, snr %.2f; %d samples per run; errors: max over modes of |proportion error|, RMS mean error, " +
			"RMS std error; 'floor' = the same for %d exact posterior samples; ratio = largest error / its floor%n",
			config.sigmaMin, config.sigmaMax, config.snr, samples, samples);
		out.printf(Locale.ROOT, "%-9s %-14s %6s %10s %10s %10s %7s%n", "task", "method", "calls", "proportion", "mean",
			"std", "ratio");
		final PosteriorBenchmark.Problem[] problems = { PosteriorBenchmark.inpainting(), PosteriorBenchmark
			.colorization(), PosteriorBenchmark.denoising(), PosteriorBenchmark.editing() };
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			for (final PosteriorBenchmark.Problem p : problems) {
				final PosteriorBenchmark.Errors floor = p.floor(samples);
				out.printf(Locale.ROOT, "%-9s %-14s %6s %10.5f %10.5f %10.5f %7s   (%s; exact weights %s)%n", p.task
					.label(), "floor", "-", floor.proportion, floor.mean, floor.std, "1", p.description, format(p
						.referenceWeights()));
				for (final Method method : methods(p.task, budget)) {
					final Restoration.Request r = p.request(method.sampler, method.steps, method.resamplings, samples,
						seed);
					final int[] calls = new int[1];
					if (method.label.equals("tweedie-mean")) {
						r.posteriorMean = true;
						r.batch = 1;
						final float[] mean = p.run(m, config, r, calls);
						final double[] exact = PosteriorBenchmark.denoisingPosterior(p).mean();
						double err = 0;
						for (int i = 0; i < exact.length; i++)
							err = Math.max(err, Math.abs(mean[i] - exact[i]));
						out.printf(Locale.ROOT, "%-9s %-14s %6d   max |Tweedie mean − exact posterior mean| = %.2e%n",
							p.task.label(), method.label, calls[0], err);
						continue;
					}
					final float[] x = p.run(m, config, r, calls);
					final PosteriorBenchmark.Errors e = p.errors(x);
					out.printf(Locale.ROOT, "%-9s %-14s %6d %10.5f %10.5f %10.5f %7.2f%n", p.task.label(), method.label,
						calls[0], e.proportion, e.mean, e.std, e.ratio(floor));
					out.flush();
				}
			}
		}
		out.flush();
		return 0;
	}

	private static String format(final double[] w) {
		final StringBuilder b = new StringBuilder("[");
		for (int i = 0; i < w.length; i++)
			b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", w[i]));
		return b.append(']').toString();
	}
}
