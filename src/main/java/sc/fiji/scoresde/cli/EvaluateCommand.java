package sc.fiji.scoresde.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.eval.FrechetDistance;
import sc.fiji.scoresde.eval.PcaProjection;
import sc.fiji.scoresde.generate.DefaultModel;
import sc.fiji.scoresde.generate.DeviceChoice;
import sc.fiji.scoresde.generate.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.generate.LoadedModel;
import sc.fiji.scoresde.generate.ModelLocator;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.io.NpyWriter;
import sc.fiji.scoresde.train.ImageSources;
import sc.fiji.scoresde.train.TrainingImages;

/**
 * {@code score-sde evaluate}: is a trained model any good? Fréchet distances, on a fixed PCA of training images,
 * between the test images and (a) the model's samples, (b) uniform noise, (c) held-out test images.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
	description = "Fréchet distance on PCA features: model samples, pure noise and held-out data against test data.")
final class EvaluateCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", description = "pipeline folder (default: the bundled Fashion-MNIST model)")
	private String model;

	@Option(names = "--train", required = true, paramLabel = "PATH", description = "training images (fit the PCA)")
	private Path train;

	@Option(names = "--test", required = true, paramLabel = "PATH", description = "test images (the reference " +
		"set; its last --count images are the held-out sample (c))")
	private Path test;

	@Option(names = "--count", defaultValue = "1000", description = "images per compared set (default: " +
		"${DEFAULT-VALUE})")
	private int count;

	@Option(names = "--components", defaultValue = "64", description = "PCA components (default: ${DEFAULT-VALUE})")
	private int components;

	@Option(names = "--pca-images", defaultValue = "10000", description = "the first this many training images fit " +
		"the PCA (default: ${DEFAULT-VALUE})")
	private int pcaImages;

	@Option(names = "--sampler", defaultValue = "pc", description = "(default: ${DEFAULT-VALUE})")
	private String sampler;

	@Option(names = "--steps", defaultValue = "2000", description = "(default: ${DEFAULT-VALUE})")
	private int steps;

	@Option(names = "--ode-tolerance", defaultValue = "1e-5", description = "(default: ${DEFAULT-VALUE})")
	private double odeTolerance;

	@Option(names = "--seed", defaultValue = "0", description = "seed of the first chunk of samples; chunk i uses " +
		"seed + i (default: ${DEFAULT-VALUE})")
	private long seed;

	@Option(names = "--chunk", defaultValue = "250", description = "images generated per run (default: " +
		"${DEFAULT-VALUE})")
	private int chunk;

	@Option(names = "--device", defaultValue = "auto", description = "(default: ${DEFAULT-VALUE})")
	private String device;

	@Option(names = "--save-samples", paramLabel = "FILE.npy", description = "also write the samples (float32 NHWC)")
	private Path saveSamples;

	@Override
	public Integer call() throws Exception {
		final PrintWriter err = spec.commandLine().getErr();
		final PrintWriter out = spec.commandLine().getOut();
		if (count < 2 || chunk < 1) throw new IllegalArgumentException("--count must be at least 2 and --chunk 1");
		final long t0 = System.nanoTime();
		final TrainingImages trainSet = ImageSources.load(train, 0, pcaImages);
		final TrainingImages testSet = ImageSources.load(test, 0, 0);
		final int c = trainSet.channels, h = trainSet.images().get(0).height, w = trainSet.images().get(0).width;
		final int dims = c * h * w;
		if (testSet.channels != c || testSet.count() <= count) throw new IllegalArgumentException(test + " must " +
			"hold more than " + count + " " + c + "-channel images");
		final float[] trainPixels = flatten(trainSet, dims, trainSet.count(), 0);
		final PcaProjection pca = PcaProjection.fit(trainPixels, trainSet.count(), dims, components);
		err.printf(Locale.ROOT, "PCA: %d components of %d training images (%d values each), %.1f s%n", components,
			trainSet.count(), dims, (System.nanoTime() - t0) / 1e9);
		final int reference = testSet.count() - count;
		final FrechetDistance.Gaussian ref = FrechetDistance.Gaussian.of(pca.project(flatten(testSet, dims, reference,
			0), reference));
		final FrechetDistance.Gaussian heldOut = FrechetDistance.Gaussian.of(pca.project(flatten(testSet, dims, count,
			reference), count));
		final float[] noise = new float[count * dims];
		final Random random = new Random(seed);
		for (int i = 0; i < noise.length; i++)
			noise[i] = random.nextFloat();
		final FrechetDistance.Gaussian noiseStats = FrechetDistance.Gaussian.of(pca.project(noise, count));

		final Path modelPath = ModelLocator.locate(model, HubClient.Progress.NONE, err::println);
		final float[] nhwc = new float[count * dims];
		final long g0 = System.nanoTime();
		try (LoadedModel loaded = LoadedModel.load(modelPath, DeviceChoice.parse(device).resolve(err::println),
			err::println))
		{
			if (loaded.unet().config().inChannels != c || loaded.unet().config().height() != h || loaded.unet()
				.config().width() != w) throw new IllegalArgumentException("the model makes " + loaded.unet().config()
					.inChannels + "×" + loaded.unet().config().height() + "×" + loaded.unet().config().width() +
					" images, the data is " + c + "×" + h + "×" + w);
			int done = 0;
			for (int i = 0; done < count; i++) {
				final GenerationRequest request = new GenerationRequest();
				request.batch = Math.min(chunk, count - done);
				request.steps = steps;
				request.seed = seed + i;
				request.sampler = sampler;
				request.odeTolerance = odeTolerance;
				request.validate();
				final GeneratedImages images = GenerationService.generate(loaded, request, new GenerationService
					.Hooks());
				System.arraycopy(images.nhwc, 0, nhwc, done * dims, images.batch * dims);
				done += images.batch;
				err.printf(Locale.ROOT, "generated %d/%d (%.0f s)%n", done, count, (System.nanoTime() - g0) / 1e9);
			}
		}
		if (saveSamples != null) NpyWriter.writeFloat32(saveSamples, nhwc, count, h, w, c);
		// the PCA was fitted on planar (C, H, W) images, as training data are stored
		final float[] samples = new float[nhwc.length];
		for (int n = 0; n < count; n++)
			for (int ch = 0; ch < c; ch++)
				for (int p = 0; p < h * w; p++)
					samples[n * dims + ch * h * w + p] = nhwc[(n * h * w + p) * c + ch];
		final FrechetDistance.Gaussian modelStats = FrechetDistance.Gaussian.of(pca.project(samples, count));
		final double a = FrechetDistance.distance(modelStats, ref);
		final double b = FrechetDistance.distance(noiseStats, ref);
		final double hc = FrechetDistance.distance(heldOut, ref);
		out.printf(Locale.ROOT, "Fréchet distance on %d PCA components of %d training images, against test images " +
			"0-%d:%n", components, trainSet.count(), reference - 1);
		out.printf(Locale.ROOT, "  (a) model, %d samples (%s, %d steps, seeds %d..): %10.3f%n", count, sampler, steps,
			seed, a);
		out.printf(Locale.ROOT, "  (b) uniform noise, %d images:                  %10.3f%n", count, b);
		out.printf(Locale.ROOT, "  (c) held-out test images %d-%d:             %10.3f%n", reference, testSet.count() -
			1, hc);
		out.printf(Locale.ROOT, "  noise is %.1f× as far from the test images as the model's samples are; held-out " +
			"data %.2f×%n", b / a, hc / a);
		out.printf(Locale.ROOT, "model: %s; %.0f s in all%n", model != null ? model : DefaultModel.NAME, (System
			.nanoTime() - t0) / 1e9);
		out.flush();
		return 0;
	}

	private static float[] flatten(final TrainingImages set, final int dims, final int n, final int from) {
		final float[] out = new float[n * dims];
		for (int i = 0; i < n; i++) {
			final float[] v = set.images().get(from + i).chw;
			if (v.length != dims) throw new IllegalArgumentException(set.images().get(from + i).source + " has " +
				v.length + " values, not " + dims);
			System.arraycopy(v, 0, out, i * dims, dims);
		}
		return out;
	}
}
