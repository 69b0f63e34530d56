package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sc.fiji.scoresde.restore.PosteriorBenchmark;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * The exact posterior sampler (MCGdiff, {@code --particles}) against today's replacement sampler on the
 * Gaussian-mixture posteriors of bench-inpainting plus super-resolution: every method draws the same number of
 * posterior samples through {@link Restoration} (one particle per run of N, picked by weight), and its largest
 * error (mode proportions, per-mode means and standard deviations) is divided by that of as many exact samples.
 * Cost is network calls per sample: particles × σ levels.
 */
@Command(name = "bench-smc", mixinStandardHelpOptions = true,
	description = "Exact-posterior sampler (particles) and replacement on the Gaussian-mixture posteriors: error ÷ " +
		"exact samples' error against network calls per sample.")
final class SmcBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--samples", defaultValue = "1000", description = "posterior samples per method (default: " +
		"${DEFAULT-VALUE})")
	private int samples;

	@Option(names = "--particles", defaultValue = "1,4,16,64,256", split = ",", description = "particle counts " +
		"(default: ${DEFAULT-VALUE})")
	private List<Integer> particles;

	@Option(names = "--steps", defaultValue = "25,100", split = ",", description = "σ levels of the particle " +
		"sampler, one network call each (default: ${DEFAULT-VALUE})")
	private List<Integer> steps;

	@Option(names = "--tasks", defaultValue = "inpaint,colorize,upscale,denoise", split = ",", description =
		"(default: ${DEFAULT-VALUE})")
	private List<String> tasks;

	@Option(names = "--sigma-max", defaultValue = "50", description = "σmax of every method (default: " +
		"${DEFAULT-VALUE}; see PosteriorBenchmark.config(double) for why not the 5 of bench-inpainting)")
	private double sigmaMax;

	@Option(names = "--seed", defaultValue = "0", description = "seed of the runs; chunk k of repeat r of a row runs " +
		"with seed + 1000·r + k, so seeds closer than 1000 × repeats share runs (default: ${DEFAULT-VALUE})")
	private long seed;

	@Option(names = "--repeats", defaultValue = "1", description = "independent runs of every row, each with its own " +
		"seeds; the ratio and its parts are their means, next to the ratio of each (default: ${DEFAULT-VALUE}). One " +
		"run's ratio is noisy even for exact samples: see the exact-samples row")
	private int repeats;

	@Option(names = "--no-replacement", description = "particle rows only")
	private boolean noReplacement;

	@Option(names = "--plot", paramLabel = "FILE.png", description = "error ÷ floor against calls per sample")
	private Path plot;

	@Override
	public Integer call() throws Exception {
		if (repeats < 1 || repeats > 1000) throw new sc.fiji.scoresde.errors.InvalidOptionException("--repeats " +
			"takes 1 to 1000, not " + repeats);
		final SchedulerConfig config = PosteriorBenchmark.config(sigmaMax);
		final java.io.PrintWriter out = spec.commandLine().getOut();
		out.printf(Locale.ROOT, "# exact Gaussian-mixture posteriors; sigma %.2f…%.0f; %d posterior samples " +
			"per method; ratio = largest error (mode proportions, per-mode mean, per-mode std) ÷ that of %d exact " +
			"samples (mean of " + PosteriorBenchmark.FLOOR_DRAWS + " draws); particle rows: N particles × steps calls per sample, one particle per run " +
			"picked by weight; %d run(s) per row, their mean ratio and each run's; exact-samples row: the same ratio " +
			"for %d further batches of exact samples (mean, and in the last column median, 90th percentile and the " +
			"share above 1.5); proportion z: the largest |pooled − exact| mode proportion of all runs of a row in " +
			"standard errors of as many exact samples (about 1–2 for an exact sampler with 2–3 modes), and in brackets " +
			"pooled − exact per mode%n", config.sigmaMin, config.sigmaMax, samples, samples, repeats, PosteriorBenchmark
				.FLOOR_DRAWS);
		out.println("| task | method | calls per sample | ratio | proportion | mean | std | proportion z | std bias | " +
			"min ESS | seconds | ratio of each run |");
		out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
		final List<CallsPlot.Panel> panels = new ArrayList<>();
		try (NDManager base = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			for (final String task : tasks) {
				final PosteriorBenchmark.Problem p = problem(task);
				final PosteriorBenchmark.Errors floor = p.floor(samples);
				final double[] exact = p.exactRatios(samples, PosteriorBenchmark.FLOOR_DRAWS, floor);
				final double[] sorted = exact.clone();
				java.util.Arrays.sort(sorted);
				int above = 0;
				for (final double v : exact)
					if (v > 1.5) above++;
				out.printf(Locale.ROOT, "| %s | exact samples | - | %.2f | - | - | - | - | - | - | - | median %.2f, 90 %% " +
					"%.2f, above 1.5: %.0f %% |%n", p.task.label(), mean(exact), sorted[sorted.length / 2], sorted[(int) (0.9 *
						sorted.length)], 100.0 * above / exact.length);
				final CallsPlot.Panel panel = new CallsPlot.Panel(p.description).reference(1, "exact samples");
				panels.add(panel);
				final List<Object[]> methods = new ArrayList<>();
				if (!noReplacement && p.task == Restoration.Task.DENOISE)
					methods.add(new Object[] { "em (default)", p.request("em", Restoration.PERTURBING_STEPS, 0, samples, seed) });
				else if (!noReplacement) {
					methods.add(new Object[] { "pc+resample3 (default)", p.request("pc", Restoration.REPLACING_STEPS,
						Restoration.DEFAULT_RESAMPLINGS, samples, seed) });
					methods.add(new Object[] { "pc", p.request("pc", 500, 0, samples, seed) });
				}
				for (final int s : steps)
					for (final int n : particles)
						methods.add(new Object[] { "particles " + n + " × " + s, p.particleRequest(n, s, samples, seed) });
				for (final Object[] m : methods) {
					final Restoration.Request r = (Restoration.Request) m[1];
					final long start = System.nanoTime();
					final int[] calls = new int[1];
					double ess = Double.POSITIVE_INFINITY;
					final double[] ratios = new double[repeats];
					double proportion = 0, meanPart = 0, stdPart = 0, bias = 0;
					final double[] reference = p.referenceWeights();
					final double[] pooled = new double[reference.length];
					// the particle runs go in chunks of at most 32768 particles (the exact mixture score of a larger
					// batch holds gigabytes); each chunk its own seed
					final int perChunk = r.particles > 0 ? Math.max(1, Math.min(samples, 32768 / r.particles)) : samples;
					if (repeats > 1 && (samples + perChunk - 1) / perChunk > 1000) throw new sc.fiji.scoresde.errors
						.InvalidOptionException("--repeats: a run of " + samples + " samples × " + r.particles +
							" particles takes more than 1000 chunks, so its seeds would reach the next run's; fewer " +
							"samples or particles");
					for (int rep = 0; rep < repeats; rep++) {
						final float[] x = new float[samples * p.prior.dims()];
						for (int from = 0, chunk = 0; from < samples; from += perChunk, chunk++) {
							final int count = Math.min(perChunk, samples - from);
							r.batch = count;
							r.seed = seed + 1000L * rep + chunk;
							final double[] e = new double[1];
							try (NDManager run = base.newSubManager()) {
								System.arraycopy(p.run(run, config, r, calls, e), 0, x, from * p.prior.dims(), count * p
									.prior.dims());
							}
							ess = Math.min(ess, e[0]);
						}
						final PosteriorBenchmark.Errors e = p.errors(x);
						ratios[rep] = e.ratio(floor);
						proportion += e.proportion / floor.proportion / repeats;
						meanPart += e.mean / floor.mean / repeats;
						stdPart += e.std / floor.std / repeats;
						bias += p.stdBias(x) / repeats;
						final double[] w = p.weights(x);
						for (int k = 0; k < pooled.length; k++)
							pooled[k] += w[k] / repeats;
					}
					final double perSample = r.particles > 0 ? (double) calls[0] * r.particles : calls[0];
					final double ratio = mean(ratios);
					// the mode proportions of all runs together against the exact ones, in standard errors of as many
					// exact samples: a bias shows as a z that grows with the repeats, noise stays near 1
					// −1: no mode whose exact proportion lies strictly between 0 and 1 (denoising), printed as '-'
					double z = -1;
					for (int k = 0; k < pooled.length; k++)
						if (reference[k] > 0 && reference[k] < 1) z = Math.max(z, Math.abs(pooled[k] - reference[k]) / Math
							.sqrt(reference[k] * (1 - reference[k]) / ((double) samples * repeats)));
					final StringBuilder deviation = new StringBuilder();
					for (int k = 0; k < pooled.length; k++)
						deviation.append(k == 0 ? "" : " ").append(String.format(Locale.ROOT, "%+.4f", pooled[k] - reference[k]));
					final StringBuilder each = new StringBuilder();
					for (final double v : ratios)
						each.append(each.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
					out.printf(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %s (%s) | %+.3f | %s | %.0f | %s |%n",
						p.task.label(), m[0], perSample, ratio, proportion, meanPart, stdPart, z < 0 ? "-" :
						String.format(Locale.ROOT, "%.1f", z), deviation, bias, r.particles > 0 ? String
							.format(Locale.ROOT, "%.1f", ess) : "-", (System.nanoTime() - start) / 1e9, each);
					out.flush();
					panel.point(r.particles > 0 ? "particles, " + r.particleSteps() + " steps" : (String) m[0],
						perSample, ratio);
				}
			}
		}
		if (plot != null) {
			CallsPlot.write(panels, 10, 200_000, plot);
			out.println("plot: " + plot);
		}
		return 0;
	}

	private static double mean(final double[] v) {
		double s = 0;
		for (final double x : v)
			s += x;
		return s / v.length;
	}

	private static PosteriorBenchmark.Problem problem(final String task) {
		switch (task) {
			case "inpaint":
				return PosteriorBenchmark.inpainting();
			case "colorize":
				return PosteriorBenchmark.colorization();
			case "upscale":
				return PosteriorBenchmark.upscaling();
			case "denoise":
				return PosteriorBenchmark.denoising();
			default:
				throw new sc.fiji.scoresde.errors.InvalidOptionException("--tasks takes inpaint, colorize, upscale " +
					"and denoise, not " + task);
		}
	}
}
