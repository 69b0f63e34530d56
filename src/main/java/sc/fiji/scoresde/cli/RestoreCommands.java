package sc.fiji.scoresde.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;

/**
 * {@code score-sde inpaint | colorize | denoise | edit}: the score model on the user's image. The commands share
 * the model, sampler and output options; each reads its image (8-bit ÷ 255, 16-bit ÷ 65535, float as is), checks
 * it before loading anything heavy, and writes nothing unless the run completes.
 */
final class RestoreCommands {

	private RestoreCommands() {}

	/** The options every restoring command takes. */
	static final class Common {

		@Option(names = "--image", required = true, paramLabel = "FILE", description = "input image (PNG, TIFF)")
		Path image;

		@Option(names = "--model", paramLabel = "PATH|ID", description = "pipeline folder or hub id (default: the " +
			"bundled Fashion-MNIST model)")
		String model;

		@Mixin
		SamplerMixin sampler;

		@Option(names = "--seed", defaultValue = "-1", description = "noise seed; -1 picks one (default)")
		long seed;

		@Option(names = "--batch", defaultValue = "1", description = "results (posterior samples) per image " +
			"(default: ${DEFAULT-VALUE})")
		int batch;

		@Mixin
		DeviceOption device;

		@Option(names = "--output", required = true, paramLabel = "FILE", description = "result: .png (one file " +
			"per result), .tif (a stack) or .npy (float32, N×H×W×C)")
		Path output;

		@Option(names = "--quiet", description = "no progress bar")
		boolean quiet;

		@Option(names = "--uncertainty", description = "also write the per-pixel posterior mean and standard " +
			"deviation of the image over its --batch results (at least 2 independent runs; with --particles, all their " +
			"weighted particles) as NAME-mean and NAME-std beside --output, in its format (.tif or .npy keep the " +
			"values as floats)")
		boolean uncertainty;
	}

	/** The particle sampler's options (inpaint, colorize, upscale, denoise). */
	static final class Particles {

		@Option(names = "--particles", defaultValue = "0", paramLabel = "N", description = "sample the exact " +
			"posterior with N particles per result (MCGdiff; --steps sets its sigma levels, default " + Restoration
				.PARTICLE_STEPS + "; costs N × steps network-call images per result); 0: the task's usual sampler " +
				"(default: ${DEFAULT-VALUE})")
		int particles;
	}

	abstract static class Base implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Mixin
		Common common;

		abstract Restoration.Task task();

		/** The task's defaults and options on top of the common ones. */
		abstract void configure(Restoration.Request request);

		/** Checks the options that say what to regenerate (inpaint's --mask, --rect) before any file is read. */
		void checkRegion() {}

		/** inpaint's mask; null for the others. */
		float[] regenerate(final UserImage image) throws Exception {
			return null;
		}

		@Override
		public Integer call() throws Exception {
			final var err = spec.commandLine().getErr();
			final String format = GenerateCommand.format(common.output);
			final Restoration.Request request = new Restoration.Request();
			request.task = task();
			request.sampler = common.sampler.options();
			request.seed = GenerationRequest.optionalSeed(common.seed);
			request.batch = common.batch;
			request.uncertainty = common.uncertainty;
			configure(request);
			request.validate();
			checkRegion();
			final DeviceChoice choice = common.device.choice();
			GenerateCommand.checkOutput(common.output, format, request.resultsPerImage(), 0);
			if (request.uncertainty) GenerateCommand.checkOutput(uncertaintyFile(common.output, "mean"), format, 1, 0);
			if (request.uncertainty) GenerateCommand.checkOutput(uncertaintyFile(common.output, "std"), format, 1, 0);
			final UserImage image = UserImage.read(common.image);
			final float[] regenerate = regenerate(image);
			final long start = System.nanoTime();
			final GeneratedImages images = ModelCommand.run(spec, common.model, choice, common.quiet, true, (loaded,
				hooks) -> RestorationService.run(loaded, request, RestorationService.input(image, task(), loaded.unet()
					.config().inChannels), 1, image.height, image.width, regenerate, hooks));
			err.printf(Locale.ROOT, "seed %d, device %s, %.1f s%n", images.seed, images.device, (System.nanoTime() -
				start) / 1e9);
			for (final Path written : write(format, images))
				spec.commandLine().getOut().println(written);
			spec.commandLine().getOut().flush();
			return 0;
		}

		private List<Path> write(final String format, final GeneratedImages images) throws Exception {
			if (images.mean != null) {
				// all or nothing: mean and std are checked before the results' file, which write checks itself
				images.mean.requireFinite();
				images.std.requireFinite();
			}
			final List<Path> written = new java.util.ArrayList<>(GenerateCommand.write(common.output, format, images, 0,
				1));
			if (images.mean != null) {
				written.addAll(GenerateCommand.write(uncertaintyFile(common.output, "mean"), format, images.mean, 0, 1));
				written.addAll(GenerateCommand.write(uncertaintyFile(common.output, "std"), format, images.std, 0, 1));
			}
			return written;
		}
	}

	/** out.png → out-mean.png, out-std.png. */
	static Path uncertaintyFile(final Path output, final String what) {
		final String name = output.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		return output.resolveSibling(name.substring(0, dot) + "-" + what + name.substring(dot));
	}

	/**
	 * inpaint, colorize and upscale: replacement, by default with 3 RePaint resamplings over 125 pc steps (994
	 * calls), or the exact posterior sampler with --particles.
	 */
	abstract static class Replacing extends Base {

		@Option(names = "--resample", description = "RePaint resamplings per step, pc only; 0 is the paper's " +
			"replacement (default: " + Restoration.DEFAULT_RESAMPLINGS + ", the better on the exact benchmark; 0 " +
			"with --particles)")
		Integer resample;

		@Mixin
		Particles particles;

		@Option(names = "--sigma-y", defaultValue = "0", description = "noise standard deviation of the observed " +
			"values in the [0, 1] range, with --particles (default: ${DEFAULT-VALUE}, exact)")
		double sigmaY;

		@Override
		void configure(final Restoration.Request request) {
			request.particles = particles.particles;
			request.observationNoise = sigmaY;
			if (resample != null) request.resamplings = resample;
			else request.resamplings = particles.particles == 0 && "pc".equals(request.samplerSettings().name)
				? Restoration.DEFAULT_RESAMPLINGS : 0;
		}
	}

	@Command(name = "inpaint", mixinStandardHelpOptions = true, description = "Regenerate a region of an image " +
		"(replacement; default: pc with 3 RePaint resamplings per step, 125 steps = 994 calls).")
	static final class Inpaint extends Replacing {

		@Option(names = "--mask", paramLabel = "FILE", description = "mask image of the image's size: nonzero " +
			"pixels are regenerated")
		Path mask;

		@Option(names = "--rect", paramLabel = "x,y,w,h", split = ",", description = "rectangle to regenerate")
		int[] rect;

		@Override
		Restoration.Task task() {
			return Restoration.Task.INPAINT;
		}

		@Override
		void checkRegion() {
			if ((mask == null) == (rect == null)) throw new InvalidOptionException("give either --mask FILE or " +
				"--rect x,y,w,h");
			if (rect != null && rect.length != 4) throw new InvalidOptionException("--rect needs four numbers x,y,w,h");
		}

		@Override
		float[] regenerate(final UserImage image) throws Exception {
			if (rect != null) return RestorationService.rectangle(image.width, image.height, rect[0], rect[1], rect[2],
				rect[3]);
			return RestorationService.regionOf(UserImage.read(mask), image);
		}
	}

	@Command(name = "colorize", mixinStandardHelpOptions = true, description = "Colour a grey image with an RGB " +
		"model (replacement in the decoupled colour space).")
	static final class Colorize extends Replacing {

		@Override
		Restoration.Task task() {
			return Restoration.Task.COLORIZE;
		}
	}

	@Command(name = "upscale", mixinStandardHelpOptions = true, description = "Super-resolution: an image k times " +
		"smaller than the model's, made at the model's size so that its k×k block means are the input's " +
		"(replacement; or the exact posterior with --particles).")
	static final class Upscale extends Replacing {

		@Option(names = "--factor", defaultValue = "" + Restoration.DEFAULT_FACTOR, description = "k: the image is " +
			"k times smaller than the model's on each side (default: ${DEFAULT-VALUE})")
		int factor;

		@Override
		Restoration.Task task() {
			return Restoration.Task.UPSCALE;
		}

		@Override
		void configure(final Restoration.Request request) {
			super.configure(request);
			request.factor = factor;
		}
	}

	@Command(name = "denoise", mixinStandardHelpOptions = true, description = "Remove Gaussian noise of known or " +
		"estimated sigma: the posterior mean (Tweedie, one call) or posterior samples run from sigma down.")
	static final class Denoise extends Base {

		@Option(names = "--sigma", description = "noise standard deviation in the [0, 1] range; default: estimated " +
			"from the image (median absolute Haar detail / 0.6745)")
		Double sigma;

		@Option(names = "--samples", defaultValue = "0", description = "posterior samples; 0 gives the posterior " +
			"mean (default: ${DEFAULT-VALUE})")
		int samples;

		@Mixin
		Particles particles;

		@Override
		Restoration.Task task() {
			return Restoration.Task.DENOISE;
		}

		@Override
		void configure(final Restoration.Request request) {
			request.particles = particles.particles;
			request.sigma = sigma;
			request.posteriorMean = samples == 0;
			if (samples < 0) throw new InvalidOptionException("--samples must be ≥ 0");
			if (samples > 0) request.batch = samples;
		}
	}

	@Command(name = "edit", mixinStandardHelpOptions = true, description = "Guided synthesis (SDEdit): perturb the " +
		"image to sigma(t0) and run the reverse process from there.")
	static final class Edit extends Base {

		@Option(names = "--strength", defaultValue = Restoration.DEFAULT_STRENGTH,
			description = "t0 in (0, 1]; 1 is plain generation " +
			"(default: ${DEFAULT-VALUE})")
		double strength;

		@Override
		Restoration.Task task() {
			return Restoration.Task.EDIT;
		}

		@Override
		void configure(final Restoration.Request request) {
			request.strength = strength;
		}
	}
}
