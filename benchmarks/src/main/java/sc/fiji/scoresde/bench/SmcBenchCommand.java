package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

	@Option(names = "--seed", defaultValue = "0", description = "seed of the runs; chunk k of a particle row runs " +
		"with seed + k, so seeds closer than the number of chunks share runs (default: ${DEFAULT-VALUE})")
	private long seed;

	@Option(names = "--no-replacement", description = "particle rows only")
	private boolean noReplacement;

	@Option(names = "--plot", paramLabel = "FILE.png", description = "error ÷ floor against calls per sample")
	private Path plot;

	@Override
	public Integer call() throws Exception {
		final SchedulerConfig config = PosteriorBenchmark.config(sigmaMax);
		System.out.printf(Locale.ROOT, "# exact Gaussian-mixture posteriors; sigma %.2f…%.0f; %d posterior samples " +
			"per method; ratio = largest error (mode proportions, per-mode mean, per-mode std) ÷ that of %d exact " +
			"samples (mean of " + PosteriorBenchmark.FLOOR_DRAWS + " draws); particle rows: N particles × steps calls per sample, one particle per run " +
			"picked by weight%n", config.sigmaMin, config.sigmaMax, samples, samples);
		System.out.println("| task | method | calls per sample | ratio | proportion | mean | std | std bias | min ESS | " +
			"seconds |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|");
		final List<CallsPlot.Panel> panels = new ArrayList<>();
		try (NDManager base = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			for (final String task : tasks) {
				final PosteriorBenchmark.Problem p = problem(task);
				final PosteriorBenchmark.Errors floor = p.floor(samples);
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
					final double[] ess = new double[1];
					// the particle runs go in chunks of at most 32768 particles (the exact mixture score of a larger
					// batch holds gigabytes); each chunk its own seed
					final int perChunk = r.particles > 0 ? Math.max(1, Math.min(samples, 32768 / r.particles)) : samples;
					final float[] x = new float[samples * p.prior.dims()];
					ess[0] = Double.POSITIVE_INFINITY;
					for (int from = 0, chunk = 0; from < samples; from += perChunk, chunk++) {
						final int count = Math.min(perChunk, samples - from);
						r.batch = count;
						r.seed = seed + chunk;
						final double[] e = new double[1];
						try (NDManager run = base.newSubManager()) {
							System.arraycopy(p.run(run, config, r, calls, e), 0, x, from * p.prior.dims(), count * p.prior
								.dims());
						}
						ess[0] = Math.min(ess[0], e[0]);
					}
					final PosteriorBenchmark.Errors e = p.errors(x);
					final double perSample = r.particles > 0 ? (double) calls[0] * r.particles : calls[0];
					final double ratio = e.ratio(floor);
					System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %+.3f | %s | %.0f |%n",
						p.task.label(), m[0], perSample, ratio, e.proportion / floor.proportion, e.mean / floor.mean, e.std /
							floor.std, p.stdBias(x), r.particles > 0 ? String.format(Locale.ROOT, "%.1f", ess[0]) : "-", (System
								.nanoTime() - start) / 1e9);
					panel.point(r.particles > 0 ? "particles, " + r.particleSteps() + " steps" : (String) m[0],
						perSample, ratio);
				}
			}
		}
		if (plot != null) {
			CallsPlot.write(panels, 10, 200_000, plot);
			System.out.println("plot: " + plot);
		}
		return 0;
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
