package sc.fiji.scoresde.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.eval.FrechetEvaluation;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;
import sc.fiji.scoresde.train.ImageSources;
import sc.fiji.scoresde.train.TrainingImages;

/**
 * {@code score-sde bench-restore}: denoising (PSNR of the noisy input, of Tweedie's mean and of one posterior
 * sample at σ_y 0.1 and 0.2) and inpainting of a centred square (RMSE inside it for each method against filling
 * with the mean of the known pixels) on test images, with the wall time of each.
 */
@Command(name = "bench-restore", mixinStandardHelpOptions = true,
	description = "Denoising PSNR and inpainting RMSE of the conditional methods on test images.")
final class RestoreBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--images", required = true, paramLabel = "PATH", description = "test images (idx, folder, file)")
	private Path images;

	@Option(names = "--model", description = "pipeline folder or hub id (default: the bundled model)")
	private String model;

	@Option(names = "--count", defaultValue = "256", description = "test images (default: ${DEFAULT-VALUE})")
	private int count;

	@Option(names = "--budget", defaultValue = "1000", description = "network calls per sampling run, about " +
		"(default: ${DEFAULT-VALUE})")
	private int budget;

	@Option(names = "--square", defaultValue = "14", description = "side of the centred square (default: " +
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
			out.printf(Locale.ROOT, "# %d test images %d×%d×%d from %s; budget about %d calls per sampling run%n", n, c, h,
				w, images, budget);
			out.printf(Locale.ROOT, "%-9s %-22s %8s %10s %9s%n", "task", "result", "calls", "value", "seconds");
			for (final double sigma : new double[] { 0.1, 0.2 }) {
				final Random r = new Random(seed);
				final float[] noisy = new float[clean.length];
				for (int i = 0; i < noisy.length; i++)
					noisy[i] = (float) (clean[i] + sigma * r.nextGaussian());
				out.printf(Locale.ROOT, "%-9s %-22s %8s %10.2f %9s%n", "denoise", "noisy sigma=" + sigma, "-", psnr(noisy,
					clean), "-");
				final Restoration.Request mean = new Restoration.Request();
				mean.task = Restoration.Task.DENOISE;
				mean.sigma = sigma;
				mean.posteriorMean = true;
				mean.seed = seed;
				long t = System.nanoTime();
				GeneratedImages g = RestorationService.run(loaded, mean, noisy, n, h, w, null, hooks);
				out.printf(Locale.ROOT, "%-9s %-22s %8d %10.2f %9.1f%n", "denoise", "tweedie mean", 1, psnr(planar(g),
					clean), (System.nanoTime() - t) / 1e9);
				final Restoration.Request sample = new Restoration.Request();
				sample.task = Restoration.Task.DENOISE;
				sample.sigma = sigma;
				sample.sampler.name = "em";
				sample.sampler.steps = budget;
				sample.seed = seed;
				t = System.nanoTime();
				g = RestorationService.run(loaded, sample, noisy, n, h, w, null, hooks);
				out.printf(Locale.ROOT, "%-9s %-22s %8d %10.2f %9.1f%n", "denoise", "one sample (em)", budget, psnr(
					planar(g), clean), (System.nanoTime() - t) / 1e9);
				out.flush();
			}
			final float[] regenerate = new float[plane];
			final int y0 = (h - square) / 2, x0 = (w - square) / 2;
			for (int y = y0; y < y0 + square; y++)
				for (int x = x0; x < x0 + square; x++)
					regenerate[y * w + x] = 1;
			final float[] fill = clean.clone();
			for (int i = 0; i < n; i++)
				for (int ch = 0; ch < c; ch++) {
					double sum = 0;
					int known = 0;
					for (int j = 0; j < plane; j++)
						if (regenerate[j] == 0) {
							sum += clean[i * d + ch * plane + j];
							known++;
						}
					for (int j = 0; j < plane; j++)
						if (regenerate[j] == 1) fill[i * d + ch * plane + j] = (float) (sum / known);
				}
			out.printf(Locale.ROOT, "%-9s %-22s %8s %10.4f %9s%n", "inpaint", "mean of known pixels", "-", rmse(fill,
				clean, regenerate, n, c), "-");
			final String[] labels = { "pc replacement", "pc+resample1", "pc+resample3" };
			final int[] steps = { budget / 2, budget / 4, budget / 8 };
			final int[] resamplings = { 0, 1, 3 };
			for (int m = 0; m < labels.length; m++) {
				final Restoration.Request q = new Restoration.Request();
				q.task = Restoration.Task.INPAINT;
				q.sampler.steps = Math.max(1, steps[m]);
				q.resamplings = resamplings[m];
				q.seed = seed;
				final long t = System.nanoTime();
				final GeneratedImages g = RestorationService.run(loaded, q, clean, n, h, w, regenerate, hooks);
				out.printf(Locale.ROOT, "%-9s %-22s %8d %10.4f %9.1f%n", "inpaint", labels[m], Restoration.plannedCalls(
					loaded.schedulerConfig(), q), rmse(planar(g), clean, regenerate, n, c), (System.nanoTime() - t) /
						1e9);
				out.flush();
			}
		}
		return 0;
	}

	private static float[] planar(final GeneratedImages g) {
		return FrechetEvaluation.planar(g.nhwc, g.batch, g.height, g.width, g.channels);
	}

	/** PSNR over all pixels with peak 1, of the values clamped to [0, 1]. */
	static double psnr(final float[] x, final float[] truth) {
		double se = 0;
		for (int i = 0; i < x.length; i++) {
			final double v = Math.max(0, Math.min(1, x[i])) - truth[i];
			se += v * v;
		}
		return 10 * Math.log10(1 / (se / x.length));
	}

	static double rmse(final float[] x, final float[] truth, final float[] region, final int n, final int c) {
		final int plane = region.length;
		double se = 0;
		long count = 0;
		for (int i = 0; i < n; i++)
			for (int ch = 0; ch < c; ch++)
				for (int j = 0; j < plane; j++)
					if (region[j] == 1) {
						final int k = (i * c + ch) * plane + j;
						se += Math.pow(x[k] - truth[k], 2);
						count++;
					}
		return Math.sqrt(se / count);
	}
}
