package sc.fiji.scoresde.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.eval.FrechetEvaluation;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.train.ImageSources;
import sc.fiji.scoresde.train.TrainingImages;

/**
 * {@code bench-calibration}: are the per-pixel error bars of the restoring commands honest on real data? For test
 * images with a known truth, each method returns K results per image and, from them (the particle sampler: from all
 * its weighted particles), the per-pixel posterior mean and standard deviation, exactly as {@code --uncertainty}
 * writes them. Reported: the share of the true pixels inside mean ± 1.645·std (the 90 % interval of a normal
 * posterior; a calibrated sampler on a well-fit model gives about 90 %), the mean standard deviation, and the PSNR of
 * the mean against the truth, over the pixels the observation does not fix (inpainting: the regenerated square;
 * super-resolution: every pixel).
 */
@Command(name = "bench-calibration", mixinStandardHelpOptions = true,
	description = "Coverage of the per-pixel 90% intervals and PSNR of the posterior mean on test images.")
final class CalibrationBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--images", required = true, paramLabel = "PATH", description = "test images (idx, folder, file)")
	private Path images;

	@Option(names = "--model", description = "pipeline folder or hub id (default: the bundled model)")
	private String model;

	@Option(names = "--count", defaultValue = "256", description = "test images (default: ${DEFAULT-VALUE})")
	private int count;

	@Option(names = "--results", defaultValue = "4", description = "K, independent results per image (default: " +
		"${DEFAULT-VALUE})")
	private int results;

	@Option(names = "--tasks", split = ",", defaultValue = "inpaint,upscale", description = "inpaint (centred " +
		"square), upscale (2× block means) (default: ${DEFAULT-VALUE})")
	private List<String> tasks;

	@Option(names = "--runs", split = ",", defaultValue = "pc:50,particles:8:50", description = "pc:STEPS[:RESAMPLINGS]" +
		" (replacement) or particles:N:STEPS (default: ${DEFAULT-VALUE})")
	private List<String> runs;

	@Option(names = "--square", defaultValue = "14", description = "side of inpainting's centred square (default: " +
		"${DEFAULT-VALUE})")
	private int square;

	@Option(names = "--seed", defaultValue = "0", description = "seed of the first chunk; chunk k runs with seed + k " +
		"(default: ${DEFAULT-VALUE})")
	private long seed;

	@Option(names = "--chunk", defaultValue = "8", description = "images per run: on a CPU a network call on many " +
		"images is slower per image (pc:30 on 2×2-pooled images, one thread: 2.0 s per image with 8 images, 3.9 s " +
		"with 64) (default: ${DEFAULT-VALUE})")
	private int chunk;

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		if (chunk < 1) throw new IllegalArgumentException("--chunk: at least 1 image, not " + chunk);
		if (results < 2) throw new IllegalArgumentException("--results: at least 2 (a spread needs two draws), not " +
			results);
		final var err = spec.commandLine().getErr();
		final TrainingImages test = ImageSources.load(images, 0, count);
		final int n = test.count(), c = test.channels, h = test.images().get(0).height, w = test.images().get(0).width;
		final int plane = h * w, d = c * plane;
		final float[] clean = FrechetEvaluation.flatten(test, n, 0);
		try (LoadedModel loaded = LoadedModel.load(ModelLocator.locate(model, HubClient.Progress.NONE, err::println),
			DeviceChoice.parse("auto").resolve(err::println), err::println))
		{
			final GenerationService.Hooks hooks = new GenerationService.Hooks();
			out.printf(Locale.ROOT, "# %d test images %d×%d×%d from %s; %d results per image; interval: mean ± 1.645·std " +
				"per pixel; over the pixels the observation leaves free; K-draw interval: mean ± t·√(1 + 1/K)·s of the K " +
				"results (s their std with K − 1, t the 95 %% quantile of Student's t with K − 1 degrees of freedom = " +
				"%.3f), which holds 90 %% of the truth for exact posterior draws of a normal posterior whatever K%n", n, c,
				h, w, images, results, studentQuantile95(results - 1));
			out.println("| task | method | calls per result | coverage of 90 % interval (std map) | coverage of 90 % " +
				"K-draw interval | mean std | RMSE of mean | PSNR of mean (dB) | seconds |");
			out.println("|---|---|---|---|---|---|---|---|---|");
			for (final String task : tasks) {
				final boolean inpaint = task.equals("inpaint");
				if (!inpaint && !task.equals("upscale")) throw new IllegalArgumentException("--tasks: inpaint or " +
					"upscale, not " + task);
				final float[] free = new float[plane];
				final float[] regenerate = new float[plane];
				final int y0 = (h - square) / 2, x0 = (w - square) / 2;
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						final boolean in = y >= y0 && y < y0 + square && x >= x0 && x < x0 + square;
						regenerate[y * w + x] = in ? 1 : 0;
						free[y * w + x] = !inpaint || in ? 1 : 0;
					}
				final float[] input = inpaint ? clean : pooled(clean, n, c, h, w, 2);
				for (final String run : runs) {
					final Restoration.Request q = request(run, inpaint);
					q.batch = results;
					q.uncertainty = true;
					final long t = System.nanoTime();
					final int ih = inpaint ? h : h / 2, iw = inpaint ? w : w / 2, id = c * ih * iw;
					final float[] mean = new float[n * d], std = new float[n * d], draws = new float[n * results * d];
					for (int from = 0, k = 0; from < n; from += chunk, k++) {
						final int m = Math.min(chunk, n - from);
						q.seed = seed + k;
						final GeneratedImages g = RestorationService.run(loaded, q, java.util.Arrays.copyOfRange(input,
							from * id, (from + m) * id), m, ih, iw, inpaint ? regenerate : null, hooks);
						System.arraycopy(planar(g.mean), 0, mean, from * d, m * d);
						System.arraycopy(planar(g.std), 0, std, from * d, m * d);
						System.arraycopy(planar(g), 0, draws, from * results * d, m * results * d);
					}
					final double inside = coverage(clean, mean, std, free, c);
					final double insideDraws = drawCoverage(clean, draws, results, free, c);
					long total = 0;
					double sq = 0, sd = 0;
					for (int i = 0; i < n; i++)
						for (int ch = 0; ch < c; ch++)
							for (int j = 0; j < plane; j++) {
								if (free[j] == 0) continue;
								final int k = i * d + ch * plane + j;
								final double e = clean[k] - mean[k];
								total++;
								sq += e * e;
								sd += std[k];
							}
					final double rmse = Math.sqrt(sq / total);
					final int calls = Restoration.plannedCalls(loaded.schedulerConfig(), q) * Math.max(1, q.particles);
					out.printf(Locale.ROOT, "| %s | %s | %d | %.1f %% | %.1f %% | %.4f | %.4f | %.2f | %.0f |%n", task, run,
						calls, 100 * inside, 100 * insideDraws, sd / total, rmse, 20 * Math.log10(1 / rmse), (System.nanoTime() - t) / 1e9);
					out.flush();
				}
			}
		}
		return 0;
	}

	private static Restoration.Request request(final String run, final boolean inpaint) {
		final String[] p = run.split(":");
		final Restoration.Request q = new Restoration.Request();
		q.task = inpaint ? Restoration.Task.INPAINT : Restoration.Task.UPSCALE;
		if (p[0].equals("particles") && p.length == 3) {
			q.particles = Integer.parseInt(p[1]);
			q.sampler.steps = Integer.parseInt(p[2]);
		}
		else if (p[0].equals("pc") && (p.length == 2 || p.length == 3)) {
			q.sampler.name = "pc";
			q.sampler.steps = Integer.parseInt(p[1]);
			q.resamplings = p.length == 3 ? Integer.parseInt(p[2]) : 0;
		}
		else throw new IllegalArgumentException("--runs entry '" + run + "': expected pc:STEPS[:RESAMPLINGS] or " +
			"particles:N:STEPS");
		return q;
	}

	/**
	 * The share of true pixels (n images × c planes, where {@code free} is 1) inside mean ± 1.645·std, the 90 %
	 * interval the std map states.
	 */
	static double coverage(final float[] truth, final float[] mean, final float[] std, final float[] free,
		final int c)
	{
		final int plane = free.length, n = truth.length / (c * plane);
		long inside = 0, total = 0;
		for (int i = 0; i < n * c; i++)
			for (int j = 0; j < plane; j++)
				if (free[j] != 0) {
					final int k = i * plane + j;
					if (Math.abs(truth[k] - mean[k]) <= 1.645 * std[k]) inside++;
					total++;
				}
		return inside / (double) total;
	}

	/**
	 * The share of true pixels inside the 90 % prediction interval of the K draws of each image (image i's draws
	 * at i·K … i·K + K − 1): their mean ± t·√(1 + 1/K)·s, s their standard deviation with K − 1 and t the 95 %
	 * quantile of Student's t with K − 1 degrees of freedom. For exact draws of a normal posterior it is 90 % for
	 * every K, so it measures the sampler, where the std map's coverage also depends on how many draws made it.
	 */
	static double drawCoverage(final float[] truth, final float[] draws, final int k, final float[] free,
		final int c)
	{
		final int plane = free.length, d = c * plane, n = truth.length / d;
		final double half = studentQuantile95(k - 1) * Math.sqrt(1 + 1.0 / k);
		long inside = 0, total = 0;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < d; j++) {
				if (free[j % plane] == 0) continue;
				double m = 0, v = 0;
				for (int r = 0; r < k; r++)
					m += draws[(i * k + r) * d + j];
				m /= k;
				for (int r = 0; r < k; r++)
					v += Math.pow(draws[(i * k + r) * d + j] - m, 2);
				if (Math.abs(truth[i * d + j] - m) <= half * Math.sqrt(v / (k - 1))) inside++;
				total++;
			}
		return inside / (double) total;
	}

	/** The 95 % quantile of Student's t with the given degrees of freedom. */
	static double studentQuantile95(final int dof) {
		return new org.apache.commons.math3.distribution.TDistribution(dof).inverseCumulativeProbability(0.95);
	}

	/** k×k block means of n planar images. */
	static float[] pooled(final float[] x, final int n, final int c, final int h, final int w, final int k) {
		final int sh = h / k, sw = w / k;
		final float[] out = new float[n * c * sh * sw];
		for (int i = 0; i < n * c; i++)
			for (int y = 0; y < sh; y++)
				for (int xx = 0; xx < sw; xx++) {
					double s = 0;
					for (int dy = 0; dy < k; dy++)
						for (int dx = 0; dx < k; dx++)
							s += x[(i * h + y * k + dy) * w + xx * k + dx];
					out[(i * sh + y) * sw + xx] = (float) (s / (k * k));
				}
		return out;
	}

	private static float[] planar(final GeneratedImages g) {
		return FrechetEvaluation.planar(g.nhwc, g.batch, g.height, g.width, g.channels);
	}
}
