package sc.fiji.scoresde.cli;

import java.io.IOException;
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
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.imagej.TiffStackWriter;
import sc.fiji.scoresde.images.NpyWriter;
import sc.fiji.scoresde.io.OutputTarget;
import sc.fiji.scoresde.images.PngWriter;

/** {@code score-sde generate}: one batch from one seed, written as .png, .tif or .npy. */
@Command(name = "generate", mixinStandardHelpOptions = true,
	description = "Generate images with the ScoreSdeVePipeline predictor-corrector sampler.")
final class GenerateCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", paramLabel = "PATH|ID",
		description = "pipeline folder, UNet folder, weights file, or Hugging Face model id org/name[@revision] " +
			"(default: the bundled Fashion-MNIST demo model)")
	private String model;

	@Option(names = "--batch", defaultValue = "1", description = "number of images (default: ${DEFAULT-VALUE})")
	private int batch;

	@Mixin
	private SamplerMixin sampler;

	@Option(names = "--seed", defaultValue = "-1",
		description = "torch.manual_seed value; -1 picks one and prints it (default: ${DEFAULT-VALUE})")
	private long seed;

	@Mixin
	private DeviceOption device;

	@Option(names = "--output", required = true, paramLabel = "FILE",
		description = "output file: .png (one file per image), .tif (ImageJ stack) or .npy (float32 NHWC in [0,1])")
	private Path output;

	@Option(names = "--grid", defaultValue = "0", paramLabel = "COLUMNS",
		description = "with .png: one file holding the batch as a grid of this many columns (default: one file per " +
			"image)")
	private int grid;

	@Option(names = "--zoom", defaultValue = "1", description = "with --grid: scale each image up this many times " +
		"(default: ${DEFAULT-VALUE})")
	private int zoom;

	@Option(names = "--quiet", description = "no progress bar")
	private boolean quiet;

	@Override
	public Integer call() throws Exception {
		final var err = spec.commandLine().getErr();
		final String format = format(output);
		final GenerationRequest request = new GenerationRequest();
		request.batch = batch;
		request.seed = GenerationRequest.optionalSeed(seed);
		request.sampler = sampler.options();
		request.validate();
		if (grid < 0 || zoom < 1 || zoom > 64) throw new InvalidOptionException("--grid must be ≥ 0 and --zoom in " +
			"1..64");
		if (grid > 0 && !format.equals("png")) throw new InvalidOptionException("--grid needs a .png output");
		final DeviceChoice choice = device.choice();
		checkOutput(output, format, batch, grid);

		final long start = System.nanoTime();
		final GeneratedImages images = ModelCommand.run(spec, model, choice, quiet, true, (loaded, hooks) ->
			GenerationService.generate(loaded, request, hooks));
		err.printf(Locale.ROOT, "seed %d, device %s, %.1f s%n", images.seed, images.device, (System.nanoTime() -
			start) / 1e9);
		for (final Path written : write(format, images))
			spec.commandLine().getOut().println(written);
		spec.commandLine().getOut().flush();
		return 0;
	}

	private List<Path> write(final String format, final GeneratedImages images) throws Exception {
		return write(output, format, images, grid, zoom);
	}

	/**
	 * Checks before the run that the files {@link #write} will make for {@code images} results can be written, so a
	 * bad --output fails in a second instead of after the run.
	 */
	static void checkOutput(final Path output, final String format, final int images, final int grid)
		throws IOException
	{
		OutputTarget.checkFiles(format.equals("png") && grid == 0 ? PngWriter.fileNames(output, images) : List.of(
			output));
	}

	/**
	 * Writes images as .npy (float32 N×H×W×C), a TIFF stack, PNG files or (grid > 0) one PNG grid; images with NaN
	 * or infinite values are refused and nothing is written.
	 */
	static List<Path> write(final Path output, final String format, final GeneratedImages images, final int grid,
		final int zoom) throws Exception
	{
		images.requireFinite();
		switch (format) {
			case "npy":
				NpyWriter.writeFloat32(output, images.nhwc, images.batch, images.height, images.width, images.channels);
				return List.of(output);
			case "tif":
				TiffStackWriter.write(output, images);
				return List.of(output);
			default:
				if (grid > 0) return List.of(PngWriter.writeGrid(output, images.toUint8(), images.batch, images.height,
					images.width, images.channels, grid, 2 * zoom, zoom));
				return PngWriter.write(output, images.toUint8(), images.batch, images.height, images.width,
					images.channels);
		}
	}

	static String format(final Path output) {
		final String name = String.valueOf(output.getFileName()).toLowerCase(Locale.ROOT);
		if (name.endsWith(".npy")) return "npy";
		if (name.endsWith(".tif") || name.endsWith(".tiff")) return "tif";
		if (name.endsWith(".png")) return "png";
		throw new InvalidOptionException("--output " + Echo.quoted(output) + " must end in .png, .tif or .npy");
	}
}
