package sc.fiji.scoresde.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * {@code score-sde figure-restore}: the README's pictures of inpainting, denoising and guided synthesis on test
 * images, one PNG per method with a row per image (input | mask or second result | result | truth). Every run uses
 * the defaults of the matching command ({@code inpaint}, {@code denoise}, {@code edit}), so a picture shows what a
 * user gets. Colorization needs a 3-channel model and is skipped, with a message, for a grey one.
 */
@Command(name = "figure-restore", mixinStandardHelpOptions = true,
	description = "Write the README's before/after pictures of inpaint, denoise and edit on test images.")
final class RestoreFigureCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--images", required = true, paramLabel = "PATH", description = "test images (idx, folder, file)")
	private Path images;

	@Option(names = "--model", description = "pipeline folder or hub id (default: the bundled model)")
	private String model;

	@Option(names = "--indices", split = ",", defaultValue = "0,1,4,8", description = "which test images, one row " +
		"each (default: ${DEFAULT-VALUE})")
	private int[] indices;

	@Option(names = "--output-dir", defaultValue = "docs/images", description = "folder of restore-*.png (default: " +
		"${DEFAULT-VALUE})")
	private Path outputDir;

	@Option(names = "--seed", defaultValue = "0")
	private long seed;

	@Option(names = "--square", defaultValue = "14", description = "side of the centred square to inpaint")
	private int square;

	@Option(names = "--sigma", defaultValue = "0.2", description = "noise of the denoising input")
	private double sigma;

	@Option(names = "--zoom", defaultValue = "4")
	private int zoom;

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		final var err = spec.commandLine().getErr();
		int last = 0;
		for (final int i : indices) {
			if (i < 0) throw new IllegalArgumentException("--indices must be ≥ 0, not " + i);
			last = Math.max(last, i);
		}
		final TrainingImages test = ImageSources.load(images, 0, last + 1);
		if (test.count() <= last) throw new IllegalArgumentException(images + " holds " + test.count() + " images; " +
			"index " + last + " asked for");
		final int c = test.channels, h = test.images().get(0).height, w = test.images().get(0).width, d = c * h * w;
		final int n = indices.length;
		final float[] all = FrechetEvaluation.flatten(test, test.count(), 0);
		final float[] truth = new float[n * d];
		for (int k = 0; k < n; k++)
			System.arraycopy(all, indices[k] * d, truth, k * d, d);
		Files.createDirectories(outputDir);
		try (LoadedModel loaded = LoadedModel.load(ModelLocator.locate(model, HubClient.Progress.NONE, err::println),
			DeviceChoice.parse("auto").resolve(err::println), err::println))
		{
			final GenerationService.Hooks hooks = new GenerationService.Hooks();
			hooks.log = err::println;

			final float[] regenerate = RestorationService.rectangle(w, h, (w - square) / 2, (h - square) / 2, square,
				square);
			final float[] damaged = truth.clone();
			for (int k = 0; k < n * c; k++)
				for (int j = 0; j < h * w; j++)
					if (regenerate[j] == 1) damaged[k * h * w + j] = 0.5f;
			final Restoration.Request inpaint = request(Restoration.Task.INPAINT, "pc", 125);
			inpaint.resamplings = 3;
			final float[] filled = run(err, loaded, inpaint, damaged, n, h, w, regenerate, hooks);
			final float[] mask = new float[d];
			for (int ch = 0; ch < c; ch++)
				System.arraycopy(regenerate, 0, mask, ch * h * w, h * w);
			out.println(figure(List.of("input", "mask", "inpainted", "truth"), h, w, c, n, damaged, mask, filled, truth)
				.write(outputDir.resolve("restore-inpaint.png")));

			final Random r = new Random(seed);
			final float[] noisy = new float[truth.length];
			for (int i = 0; i < noisy.length; i++)
				noisy[i] = (float) (truth[i] + sigma * r.nextGaussian());
			final Restoration.Request mean = request(Restoration.Task.DENOISE, "em", 500);
			mean.sigma = sigma;
			mean.posteriorMean = true;
			final float[] tweedie = run(err, loaded, mean, noisy, n, h, w, null, hooks);
			final Restoration.Request sample = request(Restoration.Task.DENOISE, "em", 500);
			sample.sigma = sigma;
			final float[] posterior = run(err, loaded, sample, noisy, n, h, w, null, hooks);
			out.println(figure(List.of(String.format(Locale.ROOT, "noisy σ=%.2g", sigma), "posterior mean",
				"posterior sample", "truth"), h, w, c, n, noisy, null, tweedie, truth, posterior).write(outputDir.resolve(
					"restore-denoise.png")));

			final float[] painting = painting(truth, n * c, h, w, 4);
			final Restoration.Request edit = request(Restoration.Task.EDIT, "em", 500);
			edit.strength = 0.5;
			final float[] half = run(err, loaded, edit, painting, n, h, w, null, hooks);
			edit.strength = 0.7;
			final float[] more = run(err, loaded, edit, painting, n, h, w, null, hooks);
			out.println(figure(List.of("rough painting", "strength 0.5", "strength 0.7", "truth"), h, w, c, n, painting,
				null, half, truth, more).write(outputDir.resolve("restore-edit.png")));
			if (loaded.unet().config().inChannels != 3) err.println("colorize: skipped, the model has " + loaded.unet()
				.config().inChannels + " channel(s); colorization needs an RGB model");
		}
		out.flush();
		return 0;
	}

	private Restoration.Request request(final Restoration.Task task, final String sampler, final int steps) {
		final Restoration.Request q = new Restoration.Request();
		q.task = task;
		q.sampler.name = sampler;
		q.sampler.steps = steps;
		q.seed = seed;
		return q;
	}

	private static float[] run(final java.io.PrintWriter err, final LoadedModel loaded, final Restoration.Request q, final float[] input, final int n,
		final int h, final int w, final float[] regenerate, final GenerationService.Hooks hooks) throws Exception
	{
		q.validate();
		hooks.progress = new CallsProgress(err);
		final GeneratedImages g = RestorationService.run(loaded, q, input, n, h, w, regenerate, hooks);
		return FrechetEvaluation.planar(g.nhwc, g.batch, g.height, g.width, g.channels);
	}

	/**
	 * Rows of (first | second | third | truth); second is the mask (the same for every row) when {@code mask} is
	 * given, else {@code extra}'s image.
	 */
	private PanelFigure figure(final List<String> labels, final int h, final int w, final int c, final int n,
		final float[] first, final float[] mask, final float[] third, final float[] truth, final float[]... extra)
	{
		final PanelFigure f = new PanelFigure(labels, h, w, zoom);
		final int d = c * h * w;
		for (int k = 0; k < n; k++)
			f.row(c, slice(first, k, d), mask != null ? mask : slice(extra[0], k, d), slice(third, k, d), slice(truth, k,
				d));
		return f;
	}

	private static float[] slice(final float[] a, final int k, final int d) {
		final float[] s = new float[d];
		System.arraycopy(a, k * d, s, 0, d);
		return s;
	}

	/** A rough painting of each plane: the mean of every b×b block, rounded to the levels 0, ½, 1. */
	static float[] painting(final float[] planes, final int count, final int h, final int w, final int b) {
		final float[] p = new float[planes.length];
		for (int k = 0; k < count; k++)
			for (int by = 0; by < h; by += b)
				for (int bx = 0; bx < w; bx += b) {
					double sum = 0;
					int m = 0;
					for (int y = by; y < Math.min(h, by + b); y++)
						for (int x = bx; x < Math.min(w, bx + b); x++) {
							sum += planes[(k * h + y) * w + x];
							m++;
						}
					final float level = Math.round(sum / m * 2) / 2f;
					for (int y = by; y < Math.min(h, by + b); y++)
						for (int x = bx; x < Math.min(w, bx + b); x++)
							p[(k * h + y) * w + x] = level;
				}
		return p;
	}
}
