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

	@Option(names = "--seed", defaultValue = "0")
	private long seed;

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
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
				"per pixel; over the pixels the observation leaves free%n", n, c, h, w, images, results);
			out.println("| task | method | calls per result | coverage of 90 % interval | mean std | RMSE of mean | " +
				"PSNR of mean (dB) | seconds |");
			out.println("|---|---|---|---|---|---|---|---|");
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
					q.seed = seed;
					q.uncertainty = true;
					final long t = System.nanoTime();
					final GeneratedImages g = RestorationService.run(loaded, q, input, n, inpaint ? h : h / 2, inpaint ? w
						: w / 2, inpaint ? regenerate : null, hooks);
					final float[] mean = planar(g.mean), std = planar(g.std);
					long inside = 0, total = 0;
					double sq = 0, sd = 0;
					for (int i = 0; i < n; i++)
						for (int ch = 0; ch < c; ch++)
							for (int j = 0; j < plane; j++) {
								if (free[j] == 0) continue;
								final int k = i * d + ch * plane + j;
								final double e = clean[k] - mean[k];
								if (Math.abs(e) <= 1.645 * std[k]) inside++;
								total++;
								sq += e * e;
								sd += std[k];
							}
					final double rmse = Math.sqrt(sq / total);
					final int calls = Restoration.plannedCalls(loaded.schedulerConfig(), q) * Math.max(1, q.particles);
					out.printf(Locale.ROOT, "| %s | %s | %d | %.1f %% | %.4f | %.4f | %.2f | %.0f |%n", task, run, calls,
						100.0 * inside / total, sd / total, rmse, 20 * Math.log10(1 / rmse), (System.nanoTime() - t) / 1e9);
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
