package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sc.fiji.scoresde.restore.PosteriorBenchmark;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.sampling.LinearObservation;
import sc.fiji.scoresde.sampling.McgDiffSampler;
import sc.fiji.scoresde.sampling.SamplingControl;
import sc.fiji.scoresde.sampling.TorchNoise;
import sc.fiji.scoresde.sampling.VeSde;

/**
 * The particle sampler (MCGdiff) on the exact-posterior mixtures of bench-inpainting: each posterior sample comes
 * from its own run of N particles (one particle drawn by weight), so the table shows how the sampler's error falls
 * towards that of exact samples as N grows, against its cost in network calls per sample.
 */
@Command(name = "bench-smc", mixinStandardHelpOptions = true,
	description = "MCGdiff on the exact Gaussian-mixture posteriors: error ÷ the exact samples' error, per particle count.")
final class SmcBenchCommand implements Callable<Integer> {

	@Option(names = "--runs", defaultValue = "1000", description = "posterior samples, one run each (default: " +
		"${DEFAULT-VALUE})")
	private int runs;

	@Option(names = "--particles", defaultValue = "1,4,16", split = ",", description = "particles per run " +
		"(default: ${DEFAULT-VALUE})")
	private List<Integer> particles;

	@Option(names = "--steps", defaultValue = "100", description = "σ levels, one network call each (default: " +
		"${DEFAULT-VALUE})")
	private int steps;

	@Option(names = "--guess-variance", defaultValue = "0.6", description = "the sampler's guess of the data's " +
		"pixel variance (default: ${DEFAULT-VALUE})")
	private double guessVariance;

	@Option(names = "--seed", defaultValue = "0", description = "seed of the runs (default: ${DEFAULT-VALUE})")
	private long seed;

	@Override
	public Integer call() {
		System.out.println("| task | particles | steps | calls per sample | largest error ÷ exact samples' | min ESS |" +
			" resamplings |");
		System.out.println("|---|---|---|---|---|---|---|");
		try (NDManager base = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			for (final PosteriorBenchmark.Problem p : List.of(PosteriorBenchmark.inpainting(), PosteriorBenchmark
				.colorization()))
			{
				final int c = p.channels, s = p.size;
				final LinearObservation op;
				if (p.regenerate != null) {
					final float[] known = new float[s * s];
					for (int i = 0; i < known.length; i++)
						known[i] = p.regenerate[i] == 0 ? 1 : 0;
					op = LinearObservation.knownPixels(known, c, s, s);
				}
				else op = LinearObservation.grey(c, s, s);
				final PosteriorBenchmark.Errors floor = p.floor(runs);
				for (final int n : particles)
					try (NDManager m = base.newSubManager()) {
						final Shape obs = op.observedShape();
						final NDArray y = m.create(p.input, new Shape(1, obs.get(0), obs.get(1), obs.get(2))).repeat(0,
							runs);
						final McgDiffSampler sampler = new McgDiffSampler(VeSde.of(PosteriorBenchmark.config()), steps, n)
							.dataGuess(0.5, guessVariance);
						final McgDiffSampler.Result r = sampler.sample(p.prior.score(m), m, op, y, 0, new Shape(c, s, s),
							new TorchNoise(seed), new SplittableRandom(seed), new SamplingControl());
						final float[] all = r.particles.toFloatArray();
						final int d = c * s * s;
						final float[] picked = new float[runs * d];
						final Random pick = new Random(seed);
						for (int g = 0; g < runs; g++) {
							final double u = pick.nextDouble();
							double cumulative = 0;
							int k = 0;
							for (; k < n - 1; k++) {
								cumulative += r.weights[g * n + k];
								if (u < cumulative) break;
							}
							System.arraycopy(all, (g * n + k) * d, picked, g * d, d);
						}
						System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.1f | %d |%n", p.task.label(), n,
							steps, n * r.calls, p.errors(picked).ratio(floor), r.minEss(), r.resamplings);
					}
			}
		}
		return 0;
	}
}
