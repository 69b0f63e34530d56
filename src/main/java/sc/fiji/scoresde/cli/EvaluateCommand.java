package sc.fiji.scoresde.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.eval.FrechetEvaluation;
import sc.fiji.scoresde.eval.ModelSamples;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.RunHooks;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.images.NpyWriter;
import sc.fiji.scoresde.io.OutputTarget;
import sc.fiji.scoresde.images.ZarrImageStack;
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

	@Mixin
	private SamplerMixin sampler;

	@Option(names = "--seed", defaultValue = "0", description = "seed of the first chunk of samples; chunk i uses " +
		"seed + i (default: ${DEFAULT-VALUE})")
	private long seed;

	@Option(names = "--chunk", defaultValue = "250", description = "images generated per run (default: " +
		"${DEFAULT-VALUE})")
	private int chunk;

	@Mixin
	private DeviceOption device;

	@Option(names = "--samples", paramLabel = "DATASET.zarr", description = "take the model's samples from this " +
		"image stack (as spark-generate writes it) instead of generating them; its first --count images must be done")
	private Path samplesDataset;

	@Option(names = "--save-samples", paramLabel = "FILE.npy", description = "also write the samples (float32 NHWC)")
	private Path saveSamples;

	@Override
	public Integer call() throws Exception {
		final PrintWriter err = spec.commandLine().getErr();
		final PrintWriter out = spec.commandLine().getOut();
		if (count < 2 || chunk < 1) throw new InvalidOptionException("--count must be at least 2 and --chunk 1");
		if (samplesDataset != null && saveSamples != null) throw new InvalidOptionException("--save-samples " +
			"writes generated samples; with --samples nothing is generated");
		if (saveSamples != null && !String.valueOf(saveSamples.getFileName()).toLowerCase(Locale.ROOT).endsWith(
			".npy")) throw new InvalidOptionException("--save-samples " + Echo.quoted(saveSamples) + " must end in .npy");
		final GenerationRequest request = new GenerationRequest();
		request.sampler = sampler.options();
		// chunk i runs with seed + i: the first chunk's seed is checked here, before the data is read
		request.seed = seed;
		if (samplesDataset == null) request.validate();
		final DeviceChoice choice = device.choice();
		if (saveSamples != null) OutputTarget.checkFiles(List.of(saveSamples));
		final long t0 = System.nanoTime();
		final TrainingImages trainSet = ImageSources.load(train, 0, pcaImages);
		final TrainingImages testSet = ImageSources.load(test, 0, 0);
		final FrechetEvaluation fd = new FrechetEvaluation(trainSet, testSet, components, count);
		err.printf(Locale.ROOT, "PCA: %d components of %d training images (%d values each), %.1f s%n", components,
			trainSet.count(), fd.dims, (System.nanoTime() - t0) / 1e9);
		final float[] planar;
		final String[] what = { "from " + samplesDataset };
		if (samplesDataset != null) planar = datasetSamples(samplesDataset, trainSet, count);
		else planar = ModelCommand.run(spec, model, choice, true, false, (loaded, hooks) -> {
			request.sampler = GenerationService.settings(loaded, request.sampler, hooks.log);
			what[0] = "(" + request.sampler.name() + ", " + request.sampler.steps() + " steps, seeds " + seed + "..)";
			return generate(err, loaded, hooks, trainSet, request, t0);
		});
		final double a = fd.distance(planar, count);
		final double b = fd.noiseDistance(count, seed);
		final double hc = fd.heldOutDistance();
		final int reference = fd.reference;
		out.printf(Locale.ROOT, "Fréchet distance on %d PCA components of %d training images, against test images " +
			"0-%d:%n", components, trainSet.count(), reference - 1);
		out.printf(Locale.ROOT, "  (a) model, %d samples %s: %10.3f%n", count, what[0], a);
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

	/** Samples of the model, planar (C, H, W) per image; written to --save-samples too. */
	private float[] generate(final PrintWriter err, final LoadedModel loaded, final RunHooks hooks,
		final TrainingImages trainSet, final GenerationRequest request, final long t0) throws IOException
	{
		checkShape(loaded, trainSet);
		final int c = loaded.unet().config().inChannels, h = loaded.unet().config().height(), w = loaded.unet()
			.config().width();
		final ModelSamples.Result samples = ModelSamples.generate(loaded, request, count, chunk, seed, hooks.cancelled,
			done -> err.printf(Locale.ROOT, "generated %d/%d (%.0f s)%n", done, count, (System.nanoTime() - t0) / 1e9));
		if (saveSamples != null) {
			GeneratedImages.requireFinite(samples.nhwc, count);
			NpyWriter.writeFloat32(saveSamples, samples.nhwc, count, h, w, c);
		}
		return FrechetEvaluation.planar(samples.nhwc, count, h, w, c);
	}

	/** The first {@code count} images of a Zarr image stack, which must have the data's shape and be written. */
	static float[] datasetSamples(final Path dataset, final TrainingImages data, final int count) throws IOException {
		final ZarrImageStack stack = ZarrImageStack.open(dataset);
		checkShape(dataset + " holds", stack.channels(), stack.height(), stack.width(), data);
		if (stack.count() < count) throw new IllegalArgumentException(dataset + " holds " + stack.count() +
			" images, fewer than --count " + count);
		final List<Integer> missing = stack.missing();
		if (!missing.isEmpty() && missing.get(0) < count) throw new IllegalArgumentException(dataset + ": image " +
			missing.get(0) + " is not done yet (" + missing.size() + " of " + stack.count() + " missing); finish the " +
			"run first (re-running it computes only the missing images)");
		final int d = stack.pixelsPerImage();
		final float[] out = new float[count * d];
		for (int i = 0; i < count; i++)
			System.arraycopy(stack.read(i), 0, out, i * d, d);
		return out;
	}

	/** The model must make images of the data's shape. */
	static void checkShape(final LoadedModel loaded, final TrainingImages data) {
		final sc.fiji.scoresde.model.UNet2DConfig m = loaded.unet().config();
		checkShape("the model makes", m.inChannels, m.height(), m.width(), data);
	}

	/** Images of channels×height×width ({@code whose}: "the model makes", "x.zarr holds") must match the data's. */
	private static void checkShape(final String whose, final int channels, final int height, final int width,
		final TrainingImages data)
	{
		final TrainingImages.Image first = data.images().get(0);
		if (channels != data.channels || height != first.height || width != first.width) throw new IllegalArgumentException(
			whose + " " + channels + "×" + height + "×" + width + " images, the data is " + data.channels + "×" +
				first.height + "×" + first.width);
	}
}
