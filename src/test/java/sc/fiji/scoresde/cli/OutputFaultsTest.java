package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.model.HostTensor;
import sc.fiji.scoresde.weights.SafeTensors;

/**
 * Issue 24, the command line's part: a bad --output fails before the model loads, a failed batch leaves nothing,
 * non-finite images are never written, option values out of range are usage errors (exit 2).
 */
class OutputFaultsTest {

	@TempDir
	Path dir;

	/** Runs score-sde; an expected error must come back within 5 s, as one line (plus the usage hint for exit 2). */
	private static GenerateCommandTest.Result refused(final String... args) {
		final GenerateCommandTest.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> GenerateCommandTest
			.run(args));
		final long errorLines = r.err.lines().filter(l -> l.startsWith("score-sde")).count();
		assertEquals(1, errorLines, r.err);
		assertFalse(r.err.contains("\tat "), "no stack trace: " + r.err);
		return r;
	}

	private static String[] generate(final Path output, final String... more) {
		final String[] base = { "generate", "--model", GenerateCommandTest.tinyPipeline(), "--steps", "2", "--batch",
			"2", "--seed", "0", "--quiet", "--output", output.toString() };
		final String[] args = Arrays.copyOf(base, base.length + more.length);
		System.arraycopy(more, 0, args, base.length, more.length);
		return args;
	}

	private Set<String> names(final Path folder) throws Exception {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	@Test
	void badDestinationsFailBeforeTheModelLoads() throws Exception {
		final Path folder = Files.createDirectory(dir.resolve("outdir.npy"));
		final Path file = Files.write(dir.resolve("notes.txt"), new byte[1]);
		final Map<Path, String> cases = new LinkedHashMap<>();
		cases.put(folder, "is an existing folder");
		cases.put(file.resolve("out.png"), "is a file, not a folder");
		cases.put(file.resolve("deeper/out.tif"), "is a file, not a folder");
		for (final Map.Entry<Path, String> c : cases.entrySet()) {
			final GenerateCommandTest.Result r = refused(generate(c.getKey()));
			assertEquals(1, r.code, r.err);
			assertTrue(r.err.contains(c.getValue()), r.err);
			assertFalse(r.err.contains("device:"), "refused before the model was loaded: " + r.err);
		}
		assertEquals(Set.of("outdir.npy", "notes.txt"), names(dir));
	}

	@Test
	void everyWritingCommandChecksItsOutputFirst() throws Exception {
		final Path file = Files.write(dir.resolve("notes.txt"), new byte[1]);
		final Path image = Fixtures.dir("ncsnpp-tiny").resolve("README.json"); // never read: the output fails first
		final String bad = file.resolve("out.png").toString();
		final String[][] commands = { { "inpaint", "--image", image.toString(), "--rect", "1,1,2,2", "--output", bad },
			{ "colorize", "--image", image.toString(), "--output", bad },
			{ "denoise", "--image", image.toString(), "--output", bad },
			{ "edit", "--image", image.toString(), "--output", bad },
			{ "interpolate", "--from", image.toString(), "--to", image.toString(), "--output", bad },
			{ "likelihood", "--images", image.toString(), "--output", file.resolve("t.csv").toString() },
			{ "train", "--data", image.toString(), "--output", file.resolve("model").toString() },
			{ "evaluate", "--train", image.toString(), "--test", image.toString(), "--save-samples", file.resolve(
				"s.npy").toString() } };
		for (final String[] command : commands) {
			final GenerateCommandTest.Result r = refused(command);
			assertEquals(1, r.code, command[0] + ": " + r.err);
			assertTrue(r.err.contains("is a file, not a folder"), command[0] + ": " + r.err);
		}
	}

	@Test
	void aBatchWithAFolderAtOneOfItsNamesWritesNoneOfIt() throws Exception {
		Files.createDirectory(dir.resolve("img-1.png"));
		final GenerateCommandTest.Result r = refused(generate(dir.resolve("img.png")));
		assertEquals(1, r.code);
		assertTrue(r.err.contains("img-1.png is an existing folder"), r.err);
		assertEquals(Set.of("img-1.png"), names(dir), "img-0.png was not written");
	}

	/** A copy of the tiny pipeline whose last convolution adds NaN: every image comes out NaN. */
	private Path nanModel() throws Exception {
		final Path model = Fixtures.copyPipeline("ncsnpp-tiny", dir.resolve("nan-model"));
		final Path weights = model.resolve("unet/diffusion_pytorch_model.safetensors");
		final Map<String, HostTensor> tensors = new LinkedHashMap<>(SafeTensors.read(weights));
		final HostTensor bias = tensors.get("conv_out.bias");
		final float[] nan = new float[(int) bias.numel()];
		Arrays.fill(nan, Float.NaN);
		tensors.put("conv_out.bias", HostTensor.ofFloats(bias.shape(), nan));
		SafeTensors.write(weights, tensors, Map.of());
		return model;
	}

	@Test
	void nonFiniteImagesAreRefusedAndNothingIsWritten() throws Exception {
		// one format here (a model run is slow); the shared writer is checked for all three below
		final GenerateCommandTest.Result r = GenerateCommandTest.run("generate", "--model", nanModel().toString(),
			"--steps", "2", "--batch", "2", "--seed", "0", "--quiet", "--output", dir.resolve("nan.png").toString());
		assertEquals(1, r.code, r.err);
		assertTrue(r.err.matches("(?s).*image 0 of 2 has \\d+ NaN.*nothing was written.*"), r.err);
		assertEquals(Set.of("nan-model"), names(dir));
	}

	@Test
	void theSharedWriterRefusesNonFiniteImagesWhateverTheFormat() throws Exception {
		final float[] values = new float[2 * 4 * 4];
		values[20] = Float.POSITIVE_INFINITY;
		final GeneratedImages images = new GeneratedImages(values, 2, 4, 4, 1, 0, "cpu", 2);
		for (final String name : new String[] { "x.png", "x.npy", "x.tif" }) {
			final IllegalStateException e = assertThrows(IllegalStateException.class, () -> GenerateCommand.write(dir
				.resolve(name), GenerateCommand.format(dir.resolve(name)), images, 0, 1));
			assertTrue(e.getMessage().contains("image 1 of 2 has 0 NaN and 1 infinite values of 16"), e.getMessage());
		}
		assertEquals(Set.of(), names(dir));
	}

	@Test
	void optionValuesOutOfRangeAreUsageErrors() throws Exception {
		final String out = dir.resolve("u.png").toString();
		final String image = dir.resolve("absent.png").toString();
		final String[][] cases = { { "generate", "--steps", "0", "--output", out },
			{ "generate", "--grid", "-1", "--output", out }, { "generate", "--zoom", "99", "--output", out },
			{ "generate", "--grid", "2", "--output", dir.resolve("u.tif").toString() },
			{ "generate", "--device", "tpu", "--output", out }, { "generate", "--output", dir.resolve("u.jpg")
				.toString() },
			{ "generate", "--correct-steps", "-1", "--output", out },
			{ "inpaint", "--image", image, "--output", out },
			{ "inpaint", "--image", image, "--rect", "1,2,3", "--output", out },
			{ "edit", "--image", image, "--strength", "2", "--output", out },
			{ "denoise", "--image", image, "--samples", "-1", "--output", out },
			{ "interpolate", "--from", image, "--to", image, "--frames", "1", "--output", out },
			{ "likelihood", "--images", image, "--count", "-1" },
			{ "likelihood", "--images", image, "--divergence", "cosine" },
			{ "likelihood", "--images", image, "--output", dir.resolve("t.txt").toString() },
			{ "train", "--data", image, "--output", dir.resolve("m").toString(), "--steps", "0" },
			{ "evaluate", "--train", image, "--test", image, "--steps", "0" } };
		for (final String[] args : cases) {
			final GenerateCommandTest.Result r = refused(args);
			assertEquals(2, r.code, String.join(" ", args) + ": " + r.err);
			assertTrue(r.err.contains("see 'score-sde " + args[0] + " --help'"), r.err);
		}
		assertEquals(Set.of(), names(dir), "nothing written");
	}
}
