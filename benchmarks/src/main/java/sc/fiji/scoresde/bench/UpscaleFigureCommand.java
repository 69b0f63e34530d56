package sc.fiji.scoresde.bench;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code figure-upscale}: the README's super-resolution picture. Each row is one test image: its k× block means
 * (the input, drawn at full size), the posterior mean and per-pixel standard deviation over the results (what
 * {@code upscale --uncertainty} writes), three of the results, and the truth.
 */
@Command(name = "figure-upscale", mixinStandardHelpOptions = true,
	description = "Super-resolution figure: input, posterior mean, std, samples, truth.")
final class UpscaleFigureCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--images", required = true, paramLabel = "PATH", description = "test images (idx, folder, file)")
	private Path images;

	@Option(names = "--indices", split = ",", defaultValue = "4,1,8", description = "test images, one row each " +
		"(default: ${DEFAULT-VALUE})")
	private List<Integer> indices;

	@Option(names = "--model", description = "pipeline folder or hub id (default: the bundled model)")
	private String model;

	@Option(names = "--factor", defaultValue = "2")
	private int factor;

	@Option(names = "--particles", defaultValue = "16", description = "(default: ${DEFAULT-VALUE})")
	private int particles;

	@Option(names = "--steps", defaultValue = "100", description = "(default: ${DEFAULT-VALUE})")
	private int steps;

	@Option(names = "--results", defaultValue = "8", description = "results per image behind mean and std " +
		"(default: ${DEFAULT-VALUE})")
	private int results;

	@Option(names = "--std-scale", defaultValue = "4", description = "the std panel shows std × this (default: " +
		"${DEFAULT-VALUE})")
	private float stdScale;

	@Option(names = "--zoom", defaultValue = "4")
	private int zoom;

	@Option(names = "--seed", defaultValue = "0")
	private long seed;

	@Option(names = "--output", required = true, paramLabel = "FILE.png")
	private Path output;

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		final var err = spec.commandLine().getErr();
		int last = 0;
		for (final int i : indices)
			last = Math.max(last, i + 1);
		final TrainingImages test = ImageSources.load(images, 0, last);
		final int c = test.channels, h = test.images().get(0).height, w = test.images().get(0).width, d = c * h * w;
		final float[] all = FrechetEvaluation.flatten(test, last, 0);
		final PanelFigure figure = new PanelFigure(List.of("input " + w / factor + "×" + h / factor, "mean", "std ×" +
			(stdScale == Math.rint(stdScale) ? String.valueOf((int) stdScale) : String.valueOf(stdScale)), "sample 1",
			"sample 2", "sample 3", "truth"), h, w, zoom);
		try (LoadedModel loaded = LoadedModel.load(ModelLocator.locate(model, HubClient.Progress.NONE, err::println),
			DeviceChoice.parse("auto").resolve(err::println), err::println))
		{
			for (final int index : indices) {
				final float[] truth = java.util.Arrays.copyOfRange(all, index * d, (index + 1) * d);
				final float[] small = CalibrationBenchCommand.pooled(truth, 1, c, h, w, factor);
				final Restoration.Request q = new Restoration.Request();
				q.task = Restoration.Task.UPSCALE;
				q.factor = factor;
				q.particles = particles;
				q.sampler.steps = steps;
				q.batch = results;
				q.seed = seed;
				q.uncertainty = true;
				final long t = System.nanoTime();
				final GeneratedImages g = RestorationService.run(loaded, q, small, 1, h / factor, w / factor, null,
					new GenerationService.Hooks());
				final float[] samples = FrechetEvaluation.planar(g.nhwc, g.batch, h, w, c);
				final float[] mean = FrechetEvaluation.planar(g.mean.nhwc, 1, h, w, c);
				final float[] std = FrechetEvaluation.planar(g.std.nhwc, 1, h, w, c);
				double sq = 0, sd = 0;
				for (int j = 0; j < d; j++) {
					sq += Math.pow(mean[j] - truth[j], 2);
					sd += std[j];
					std[j] *= stdScale;
				}
				final List<float[]> row = new ArrayList<>();
				row.add(nearest(small, c, h, w, factor));
				row.add(mean);
				row.add(std);
				for (int s = 0; s < 3; s++)
					row.add(java.util.Arrays.copyOfRange(samples, s * d, (s + 1) * d));
				row.add(truth);
				figure.row(c, row.toArray(new float[0][]));
				out.printf(Locale.ROOT, "test image %d: RMSE of the mean %.4f, mean std %.4f, %.0f s%n", index, Math.sqrt(
					sq / d), sd / d, (System.nanoTime() - t) / 1e9);
			}
		}
		out.println(figure.write(output));
		return 0;
	}

	/** The low-resolution image drawn at full size, each value repeated over its block. */
	private static float[] nearest(final float[] small, final int c, final int h, final int w, final int k) {
		final float[] out = new float[c * h * w];
		for (int ch = 0; ch < c; ch++)
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					out[(ch * h + y) * w + x] = small[(ch * (h / k) + y / k) * (w / k) + x / k];
		return out;
	}
}
