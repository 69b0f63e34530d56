package sc.fiji.scoresde.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.io.AtomicFiles;
import sc.fiji.scoresde.io.OutputTarget;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.likelihood.ProbabilityFlow;

/**
 * {@code score-sde likelihood} (bits/dim per image by the probability-flow ODE) and {@code score-sde interpolate}
 * (a morph between two images through their latent codes). Inputs are checked before the model is loaded; the table
 * and the stack are written only when the run completes.
 */
final class LikelihoodCommands {

	private LikelihoodCommands() {}

	@Command(name = "likelihood", mixinStandardHelpOptions = true, description = "Bits per dimension of each image " +
		"under the model (probability-flow ODE with the Hutchinson–Skilling divergence, RK45 rtol = atol = 1e-5): " +
		"one line per image (index, bits/dim, NFE), then the mean ± standard error.")
	static final class Likelihood implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = "--images", required = true, paramLabel = "PATH", description = "an image, a TIFF stack, a " +
			".npy stack (N,H,W[,C]), an idx file (MNIST, Fashion-MNIST) or a folder of images; 8-bit ÷ 255, 16-bit " +
			"÷ 65535, float as is")
		Path images;

		@Option(names = "--count", defaultValue = "0", description = "at most this many images (0: all)")
		int count;

		@Option(names = "--model", paramLabel = "PATH|ID", description = "pipeline folder or hub id (default: the " +
			"bundled Fashion-MNIST model)")
		String model;

		@Option(names = "--probes", defaultValue = "1", description = "Hutchinson probes per image, averaged " +
			"(default: ${DEFAULT-VALUE}); with K > 1 each line also gives the probes' standard error")
		int probes;

		@Option(names = "--divergence", defaultValue = "rademacher", description = "rademacher, gaussian or exact " +
			"(the sum over all coordinates: one network row per pixel, small images only)")
		String divergence;

		@Option(names = "--dequantize", description = "uniform dequantization of 8-bit data, x = (255·x + u)/256, as " +
			"the paper's evaluation")
		boolean dequantize;

		@Option(names = "--seed", defaultValue = "0", description = "seed of the probes and the dequantization " +
			"(default: ${DEFAULT-VALUE}; -1 picks one)")
		long seed;

		@Option(names = "--batch", defaultValue = "8", description = "images per ODE solve (default: ${DEFAULT-VALUE})")
		int batch;

		@Option(names = "--rtol", defaultValue = "1e-5", description = "RK45 rtol = atol (default: ${DEFAULT-VALUE})")
		double rtol;

		@Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu")
		String device;

		@Option(names = "--output", paramLabel = "FILE.csv", description = "also write the table as CSV")
		Path output;

		@Option(names = "--quiet", description = "no progress bar")
		boolean quiet;

		@Override
		public Integer call() throws Exception {
			final PrintWriter err = spec.commandLine().getErr(), out = spec.commandLine().getOut();
			final LikelihoodService.Request request = new LikelihoodService.Request();
			request.divergence = UsageErrors.parse(() -> ProbabilityFlow.Divergence.parse(divergence));
			request.probes = probes;
			request.dequantize = dequantize;
			request.seed = seed;
			request.batch = batch;
			request.rtol = rtol;
			request.atol = rtol;
			UsageErrors.check(request::validate);
			if (count < 0) throw new InvalidOptionException("--count must be ≥ 0");
			if (output != null && !String.valueOf(output.getFileName()).toLowerCase(Locale.ROOT).endsWith(".csv"))
				throw new InvalidOptionException("--output " + Echo.quoted(output) + " must end in .csv");
			final DeviceChoice choice = UsageErrors.parse(() -> DeviceChoice.parse(device));
			if (output != null) OutputTarget.checkFiles(List.of(output));
			final List<UserImage> list = UserImage.readStack(images, count);
			final Path modelPath = ModelLocator.locate(model, quiet ? HubClient.Progress.NONE : new DownloadBar(err),
				err::println);
			err.println("model: " + (model != null ? model : DefaultModel.NAME));
			final LikelihoodService.Result r;
			try (Interruption interruption = Interruption.install();
				LoadedModel loaded = LoadedModel.load(modelPath, choice.resolve(err::println), err::println))
			{
				final float[][] x = LikelihoodService.inputs(loaded, list);
				final GenerationService.Hooks hooks = new GenerationService.Hooks();
				hooks.log = err::println;
				hooks.cancelled = interruption::requested;
				if (!quiet) hooks.progress = new ProgressBar(err);
				r = LikelihoodService.likelihood(loaded, request, x, list.get(0).height, list.get(0).width, hooks);
			}
			if (!quiet) err.println();
			final String table = table(r, list);
			out.print(table);
			out.printf(Locale.ROOT, "# %s, %.2f s per image, seed %d%n", r.summary(), r.seconds / r.count(), r.seed);
			out.flush();
			if (output != null) {
				AtomicFiles.write(output, o -> o.write(table.getBytes(StandardCharsets.UTF_8)));
				err.println("wrote " + output);
			}
			return 0;
		}

		/** index, bits/dim, probe standard error (empty for one probe), NFE, source: one CSV line per image. */
		static String table(final LikelihoodService.Result r, final List<UserImage> images) {
			final StringBuilder s = new StringBuilder("index,bits_per_dim,probe_standard_error,nfe,source\n");
			for (int i = 0; i < r.count(); i++)
				s.append(String.format(Locale.ROOT, "%d,%.6f,%s,%d,\"%s\"%n", i, r.bitsPerDim[i], Double.isNaN(
					r.standardError[i]) ? "" : String.format(Locale.ROOT, "%.6f", r.standardError[i]), r.evaluations[i],
					images.get(i).source.replace("\"", "\"\"")));
			return s.toString();
		}
	}

	@Command(name = "interpolate", mixinStandardHelpOptions = true, description = "A stack of frames between two " +
		"images: both encoded to latent codes by the probability-flow ODE, interpolated spherically, decoded.")
	static final class Interpolate implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Option(names = "--from", required = true, paramLabel = "FILE", description = "first image (frame 0)")
		Path from;

		@Option(names = "--to", required = true, paramLabel = "FILE", description = "last image")
		Path to;

		@Option(names = "--frames", defaultValue = "8", description = "frames including both ends (default: " +
			"${DEFAULT-VALUE})")
		int frames;

		@Option(names = "--model", paramLabel = "PATH|ID", description = "pipeline folder or hub id (default: the " +
			"bundled Fashion-MNIST model)")
		String model;

		@Option(names = "--rtol", defaultValue = "1e-5", description = "RK45 rtol = atol (default: ${DEFAULT-VALUE})")
		double rtol;

		@Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu")
		String device;

		@Option(names = "--output", required = true, paramLabel = "FILE", description = ".tif (a stack), .png (one " +
			"file per frame, or one picture with --grid) or .npy (float32, N×H×W×C)")
		Path output;

		@Option(names = "--grid", defaultValue = "0", description = "PNG only: one picture, this many frames per row")
		int grid;

		@Option(names = "--zoom", defaultValue = "1", description = "PNG only: pixel zoom of the picture")
		int zoom;

		@Option(names = "--quiet", description = "no progress bar")
		boolean quiet;

		@Override
		public Integer call() throws Exception {
			final PrintWriter err = spec.commandLine().getErr();
			final String format = GenerateCommand.format(output);
			if (frames < 2 || frames > 4096) throw new InvalidOptionException("--frames " + frames + " must be in " +
				"2..4096");
			if (!(rtol > 0 && rtol < 1)) throw new InvalidOptionException("--rtol must be in (0, 1)");
			if (grid < 0 || zoom < 1 || zoom > 16) throw new InvalidOptionException("--grid must be ≥ 0 and --zoom " +
				"in 1..16");
			final DeviceChoice choice = UsageErrors.parse(() -> DeviceChoice.parse(device));
			GenerateCommand.checkOutput(output, format, frames, grid);
			final UserImage a = UserImage.read(from), b = UserImage.read(to);
			final Path modelPath = ModelLocator.locate(model, quiet ? HubClient.Progress.NONE : new DownloadBar(err),
				err::println);
			err.println("model: " + (model != null ? model : DefaultModel.NAME));
			final LikelihoodService.Interpolation result;
			try (Interruption interruption = Interruption.install();
				LoadedModel loaded = LoadedModel.load(modelPath, choice.resolve(err::println), err::println))
			{
				final float[][] x = LikelihoodService.inputs(loaded, List.of(a, b));
				final GenerationService.Hooks hooks = new GenerationService.Hooks();
				hooks.log = err::println;
				hooks.cancelled = interruption::requested;
				if (!quiet) hooks.progress = new ProgressBar(err);
				result = LikelihoodService.interpolate(loaded, x[0], x[1], frames, a.height, a.width, rtol, hooks);
			}
			if (!quiet) err.println();
			err.printf(Locale.ROOT, "encoded in %d calls (|z| %.1f and %.1f; σmax·√D = %.1f), decoded in %d calls%n",
				result.encodeEvaluations, result.normA, result.normB, result.expectedNorm, result.decodeEvaluations);
			for (final Path written : GenerateCommand.write(output, format, result.frames, grid, zoom))
				spec.commandLine().getOut().println(written);
			spec.commandLine().getOut().flush();
			return 0;
		}
	}
}
