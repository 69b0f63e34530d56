package sc.fiji.scoresde.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.eval.FrechetEvaluation;
import sc.fiji.scoresde.eval.ModelSamples;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.train.ImageSources;
import sc.fiji.scoresde.train.TrainingImages;

/**
 * {@code score-sde bench-quality}: how good a trained model's images are per network call. Two tables: the
 * denoiser's error at each noise level against the best constant guess (cheap; it shows which σ the model has not
 * learned), and the Fréchet distance (the {@code evaluate} statistic) of samples from several samplers and call
 * budgets.
 */
@Command(name = "bench-quality", mixinStandardHelpOptions = true,
	description = "Denoiser error per noise level and Fréchet distance per sampler and call budget of a trained model.")
final class QualityBenchCommand implements Callable<Integer> {

	static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist/";

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", description = "pipeline folder or hub id (default: the bundled Fashion-MNIST model)")
	private String model;

	@Option(names = "--train", paramLabel = "PATH", description = "training images, fit the PCA (default: " +
		FASHION_MNIST + "train-images-idx3-ubyte.gz)")
	private Path train = Paths.get(FASHION_MNIST, "train-images-idx3-ubyte.gz");

	@Option(names = "--test", paramLabel = "PATH", description = "test images (default: " + FASHION_MNIST +
		"t10k-images-idx3-ubyte.gz)")
	private Path test = Paths.get(FASHION_MNIST, "t10k-images-idx3-ubyte.gz");

	@Option(names = "--count", defaultValue = "1000", description = "samples per run (default: ${DEFAULT-VALUE})")
	private int count;

	@Option(names = "--components", defaultValue = "64", description = "PCA components (default: ${DEFAULT-VALUE})")
	private int components;

	@Option(names = "--pca-images", defaultValue = "10000", description = "(default: ${DEFAULT-VALUE})")
	private int pcaImages;

	@Option(names = "--runs", split = ",", defaultValue = "pc:500,pc:100,pc:50,ode:1e-2,ode:1e-3,heun:50,heun:25," +
		"heun:50:10,heun:25:10,em:100,em:200", description = "sampler:steps[:churn] (ode:tolerance); 'none' for " +
			"the denoiser table only (default: ${DEFAULT-VALUE})")
	private List<String> runs;

	@Option(names = "--denoiser-images", defaultValue = "256", description = "test images of the denoiser table; " +
		"0: no table (default: ${DEFAULT-VALUE})")
	private int denoiserImages;

	@Option(names = "--chunk", defaultValue = "250", description = "images per generation run (default: " +
		"${DEFAULT-VALUE})")
	private int chunk;

	@Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
	private long seed;

	@Option(names = "--device", defaultValue = "auto", description = "(default: ${DEFAULT-VALUE})")
	private String device;

	@Option(names = "--plot", paramLabel = "FILE.png", description = "write the Fréchet distances against calls here")
	private Path plot;

	@Override
	public Integer call() throws Exception {
		final PrintWriter out = spec.commandLine().getOut();
		final PrintWriter err = spec.commandLine().getErr();
		final List<GenerationRequest> requests = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		if (!(runs.size() == 1 && runs.get(0).equals("none"))) for (final String r : runs) {
			requests.add(parseRun(r));
			labels.add(r);
		}
		final long t0 = System.nanoTime();
		final TrainingImages testSet = ImageSources.load(test, 0, 0);
		final Path modelPath = ModelLocator.locate(model, HubClient.Progress.NONE, err::println);
		try (LoadedModel loaded = LoadedModel.load(modelPath, DeviceChoice.parse(device).resolve(err::println),
			err::println))
		{
			checkShape(loaded, testSet);
			final TrainingImages.Image first = testSet.images().get(0);
			final int n = Math.min(denoiserImages, testSet.count());
			if (n > 0) printDenoiserTable(out, loaded, testSet, n);
			if (requests.isEmpty()) return 0;

			final TrainingImages trainSet = ImageSources.load(train, 0, pcaImages);
			final FrechetEvaluation fd = new FrechetEvaluation(trainSet, testSet, components, count);
			final int c = testSet.channels, h = first.height, w = first.width;
			out.printf(Locale.ROOT, "# Fréchet distance on %d PCA components of %d training images against test " +
				"images 0-%d; %d samples per run (seeds %d..); held-out test images: %.3f, uniform noise: %.3f%n",
				components, trainSet.count(), fd.reference - 1, count, seed, fd.heldOutDistance(), fd.noiseDistance(
					count, seed));
			out.printf(Locale.ROOT, "%-14s %8s %10s %9s%n", "run", "calls", "frechet", "seconds");
			out.flush();
			final CallsPlot.Panel panel = new CallsPlot.Panel("Fréchet distance (PCA), " + count + " samples")
				.reference(fd.heldOutDistance(), "held-out data");
			for (int i = 0; i < requests.size(); i++) {
				final String label = labels.get(i);
				final ModelSamples.Result s = ModelSamples.generate(loaded, requests.get(i), count, chunk, seed,
					() -> false, done -> err.printf(Locale.ROOT, "%s: %d/%d (%.0f s)%n", label, done, count, (System
						.nanoTime() - t0) / 1e9));
				final double d = fd.distance(FrechetEvaluation.planar(s.nhwc, count, h, w, c), count);
				out.printf(Locale.ROOT, "%-14s %8.1f %10.3f %9.0f%n", label, s.callsPerImage(), d, s.seconds);
				out.flush();
				final String series = requests.get(i).sampler.name() + (requests.get(i).sampler.churn() > 0 ? " (churn)" : "");
				panel.point(series, s.callsPerImage(), d);
			}
			if (plot != null) CallsPlot.write(java.util.Collections.singletonList(panel), 10, 2000, plot);
		}
		out.printf(Locale.ROOT, "# model: %s; %.0f s in all%n", model != null ? model : DefaultModel.NAME, (System
			.nanoTime() - t0) / 1e9);
		out.flush();
		return 0;
	}

	/** {@code sampler:steps[:churn]}, or {@code ode:tolerance}. */
	static GenerationRequest parseRun(final String run) {
		final String[] parts = run.split(":");
		final GenerationRequest r = new GenerationRequest();
		try {
			if (parts.length < 2 || parts.length > 3) throw new IllegalArgumentException();
			r.sampler.name = parts[0];
			if (parts[0].equals("ode")) {
				if (parts.length != 2) throw new IllegalArgumentException();
				r.sampler.odeTolerance = Double.parseDouble(parts[1]);
			}
			else {
				r.sampler.steps = Integer.parseInt(parts[1]);
				if (parts.length == 3) r.sampler.churn = Double.parseDouble(parts[2]);
			}
			r.validate();
		}
		catch (final IllegalArgumentException e) {
			throw new IllegalArgumentException("--runs entry '" + run + "': expected sampler:steps[:churn] or " +
				"ode:tolerance" + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""), e);
		}
		return r;
	}

	/** The model must make images of the test set's shape. */
	private static void checkShape(final LoadedModel loaded, final TrainingImages data) {
		final UNet2DConfig m = loaded.unet().config();
		final TrainingImages.Image first = data.images().get(0);
		if (m.inChannels != data.channels || m.height() != first.height || m.width() != first.width)
			throw new IllegalArgumentException("the model makes " + m.inChannels + "×" + m.height() + "×" + m.width() +
				" images, the test set has " + data.channels + "×" + first.height + "×" + first.width);
	}

	/** The first table: the model's denoiser error per noise level on the first n test images. */
	private void printDenoiserTable(final PrintWriter out, final LoadedModel loaded, final TrainingImages testSet,
		final int n) throws Exception
	{
		final TrainingImages.Image first = testSet.images().get(0);
		final double[] sigmas = { 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, loaded.schedulerConfig().sigmaMax };
		final DenoiserError.Row[] rows = DenoiserError.measure(loaded.scoreModel(), loaded.device(), FrechetEvaluation
			.flatten(testSet, n, 0), n, new long[] { testSet.channels, first.height, first.width }, sigmas, 64, seed,
			() -> false);
		out.printf(Locale.ROOT, "# denoiser x + sigma^2 s(x, sigma) on %d test images: RMS error per pixel; " +
			"'mean' is the per-pixel mean of those images%n", n);
		out.printf(Locale.ROOT, "%-8s %10s %10s %8s %12s %13s%n", "sigma", "model", "mean", "ratio", "scale-fixed",
			"affine-fixed");
		for (final DenoiserError.Row r : rows)
			out.printf(Locale.ROOT, "%-8.3f %10.4f %10.4f %8.2f %12.4f %13.4f%n", r.sigma, r.model, r.mean, r.model /
				r.mean, r.scaleFixed, r.affineFixed);
		out.println("# scale-fixed, affine-fixed: the model's error after its noise estimate x~ - D(x~) is " +
			"rescaled (and shifted by a constant) per image by the best numbers, an oracle that knows the noise: " +
			"what is left when only the estimate's overall scale (and mean) is wrong, which a network whose last " +
			"GroupNorm divides by the noisy input's empirical spread cannot know better than that spread's " +
			"sampling error");
		out.flush();
	}
}
