package sc.fiji.scoresde.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.runtime.DeviceChoice;
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

		@Option(names = "--divergence", defaultValue = LikelihoodService.Request.DEFAULT_DIVERGENCE,
			description = "rademacher, gaussian or exact " +
			"(the sum over all coordinates: one network row per pixel, small images only)")
		String divergence;

		@Option(names = "--dequantize", description = "uniform dequantization of 8-bit data, x = (255·x + u)/256, as " +
			"the paper's evaluation")
		boolean dequantize;

		@Option(names = "--seed", defaultValue = LikelihoodService.Request.DEFAULT_SEED,
			description = "seed of the probes and the dequantization " +
			"(default: ${DEFAULT-VALUE}; -1 picks one)")
		long seed;

		@Option(names = "--batch", defaultValue = "" + LikelihoodService.Request.DEFAULT_BATCH,
			description = "images per ODE solve (default: ${DEFAULT-VALUE})")
		int batch;

		@Option(names = "--rtol", defaultValue = LikelihoodService.Request.DEFAULT_TOLERANCE,
			description = "RK45 rtol " +
			"= atol (default: ${DEFAULT-VALUE})")
		double rtol;

		@Mixin
		DeviceOption device;

		@Option(names = "--output", paramLabel = "FILE.csv", description = "write the table as CSV there instead of " +
			"to stdout (stdout then names the file)")
		Path output;

		@Option(names = "--quiet", description = "no progress bar")
		boolean quiet;

		@Override
		public Integer call() throws Exception {
			final PrintWriter err = spec.commandLine().getErr(), out = spec.commandLine().getOut();
			final LikelihoodService.Request request = new LikelihoodService.Request();
			request.divergence = ProbabilityFlow.Divergence.parse(divergence);
			request.probes = probes;
			request.dequantize = dequantize;
			request.seed = GenerationRequest.optionalSeed(seed);
			request.batch = batch;
			request.tolerance = rtol;
			request.validate();
			if (count < 0) throw new InvalidOptionException("--count must be ≥ 0");
			if (output != null && !String.valueOf(output.getFileName()).toLowerCase(Locale.ROOT).endsWith(".csv"))
				throw new InvalidOptionException("--output " + Echo.quoted(output) + " must end in .csv");
			final DeviceChoice choice = device.choice();
			if (output != null) OutputTarget.checkFiles(List.of(output));
			final List<UserImage> list = UserImage.readStack(images, count);
			final LikelihoodService.Result r = ModelCommand.run(spec, model, choice, quiet, true, (loaded, hooks) ->
				LikelihoodService.likelihood(loaded, request, LikelihoodService.inputs(loaded, list), list.get(0).height,
					list.get(0).width, hooks));
			if (!quiet) err.println();
			final String table = table(r, list);
			final String summary = String.format(Locale.ROOT, "# %s, %.2f s per image, seed %d%n", r.summary(),
				r.seconds / r.count(), r.seed);
			if (output != null) {
				// like generate: the data goes to the file, stdout names it; the summary stays readable on stderr
				AtomicFiles.write(output, o -> o.write(table.getBytes(StandardCharsets.UTF_8)));
				err.print(summary);
				out.println(output);
			}
			else {
				out.print(table);
				out.print(summary);
			}
			out.flush();
			err.flush();
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

		@Option(names = "--frames", defaultValue = "" + LikelihoodService.DEFAULT_FRAMES,
			description = "frames including both ends (default: " +
			"${DEFAULT-VALUE})")
		int frames;

		@Option(names = "--model", paramLabel = "PATH|ID", description = "pipeline folder or hub id (default: the " +
			"bundled Fashion-MNIST model)")
		String model;

		@Option(names = "--rtol", defaultValue = LikelihoodService.Request.DEFAULT_TOLERANCE,
			description = "RK45 rtol " +
			"= atol (default: ${DEFAULT-VALUE})")
		double rtol;

		@Mixin
		DeviceOption device;

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
			if (frames < 2 || frames > LikelihoodService.MAX_FRAMES) throw new InvalidOptionException("--frames " +
				frames + " must be in 2.." + LikelihoodService.MAX_FRAMES);
			if (!(rtol > 0 && rtol < 1)) throw new InvalidOptionException("--rtol must be in (0, 1)");
			if (grid < 0 || zoom < 1 || zoom > 16) throw new InvalidOptionException("--grid must be ≥ 0 and --zoom " +
				"in 1..16");
			final DeviceChoice choice = device.choice();
			GenerateCommand.checkOutput(output, format, frames, grid);
			final UserImage a = UserImage.read(from), b = UserImage.read(to);
			final LikelihoodService.Interpolation result = ModelCommand.run(spec, model, choice, quiet, true, (loaded,
				hooks) -> {
				final float[][] x = LikelihoodService.inputs(loaded, List.of(a, b));
				return LikelihoodService.interpolate(loaded, x[0], x[1], frames, a.height, a.width, rtol, hooks);
			});
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
