package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;

/** The command line as the issue specifies it, run in-process. */
class GenerateCommandTest {

	static final class Result {

		int code;
		String out;
		String err;
	}

	static Result run(final String... args) {
		final StringWriter out = new StringWriter();
		final StringWriter err = new StringWriter();
		final Result r = new Result();
		r.code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
		r.out = out.toString();
		r.err = err.toString();
		return r;
	}

	static String tinyPipeline() {
		return Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString();
	}

	/** Reads a float32 .npy written by NpyWriter (little-endian, C order). */
	static float[] readNpy(final Path file, final StringBuilder header) throws Exception {
		final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		assertEquals((byte) 0x93, b.get(0));
		final int headerLength = b.getShort(8) & 0xffff;
		header.append(new String(b.array(), 10, headerLength, StandardCharsets.US_ASCII));
		b.position(10 + headerLength);
		final float[] v = new float[b.remaining() / 4];
		b.asFloatBuffer().get(v);
		return v;
	}

	@Test
	void npyOutputIsTheFixturePipelineImage(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("out.npy");
		final Result r = run("generate", "--model", tinyPipeline(), "--steps", "10", "--batch", "2", "--seed", "0",
			"--output", out.toString());
		assertEquals(0, r.code, r.err);
		assertTrue(r.err.contains("seed 0"), r.err);
		assertTrue(r.err.contains("device: cpu"), r.err);
		assertTrue(r.err.contains("20/20 network calls"), "progress bar: " + r.err);
		final StringBuilder header = new StringBuilder();
		final float[] values = readNpy(out, header);
		assertTrue(header.toString().contains("'shape': (2, 32, 32, 3)"), header.toString());
		Fixtures.assertFinalImageClose("out.npy", "ncsnpp-tiny", values);
	}

	@Test
	void tiffStackAndPngsOpenInImageJ(@TempDir final Path dir) throws Exception {
		final Path tif = dir.resolve("out.tif");
		assertEquals(0, run("generate", "--model", tinyPipeline(), "--steps", "3", "--batch", "2", "--seed", "1",
			"--quiet", "--output", tif.toString()).code);
		final ImagePlus stack = IJ.openImage(tif.toString());
		assertNotNull(stack, "ImageJ opens the TIFF");
		assertEquals(32, stack.getWidth());
		assertEquals(32, stack.getHeight());
		assertEquals(2, stack.getStackSize(), "one slice per image");
		assertEquals(ImagePlus.COLOR_RGB, stack.getType(), "3 channels as RGB");

		final Path png = dir.resolve("img.png");
		final Result r = run("generate", "--model", tinyPipeline(), "--steps", "3", "--batch", "2", "--seed", "1",
			"--quiet", "--output", png.toString());
		assertEquals(0, r.code, r.err);
		for (int i = 0; i < 2; i++) {
			final Path file = dir.resolve("img-" + i + ".png");
			assertTrue(r.out.contains(file.toString()), r.out);
			final ImagePlus image = IJ.openImage(file.toString());
			assertNotNull(image, "ImageJ opens " + file);
			assertEquals(32, image.getWidth());
			assertEquals(32, image.getHeight());
			assertEquals(ImagePlus.COLOR_RGB, image.getType());
			// the PNG holds the same pixels as slice i of the TIFF from the same seed
			assertEquals(stack.getStack().getProcessor(i + 1).getPixel(5, 7), image.getProcessor().getPixel(5, 7));
		}
	}

	@Test
	void badInputFailsWithOneLineAndWritesNothing(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("out.npy");
		Result r = run("generate", "--model", dir.resolve("nope").toString(), "--steps", "2", "--output", out
			.toString());
		assertEquals(1, r.code);
		assertTrue(r.err.contains("is neither an existing folder or file nor a Hugging Face model id"), r.err);
		// option values out of range are usage errors
		r = run("generate", "--model", tinyPipeline(), "--steps", "2", "--output", dir.resolve("out.jpg").toString());
		assertEquals(2, r.code);
		assertTrue(r.err.contains("must end in .png, .tif or .npy"), r.err);
		r = run("generate", "--model", tinyPipeline(), "--steps", "0", "--output", out.toString());
		assertEquals(2, r.code);
		assertTrue(r.err.contains("steps 0"), r.err);
		r = run("generate", "--model", tinyPipeline(), "--device", "tpu", "--output", out.toString());
		assertEquals(2, r.code);
		assertTrue(r.err.contains("device 'tpu'"), r.err);
		r = run("generate", "--bogus");
		assertEquals(2, r.code);
		try (Stream<Path> files = Files.list(dir)) {
			assertFalse(files.findAny().isPresent(), "no output, not even a partial one");
		}
	}

	@Test
	void defaultModelRunsWithoutModelOption(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("default.png");
		final Result r = run("generate", "--steps", "2", "--seed", "3", "--quiet", "--output", out.toString());
		assertEquals(0, r.code, r.err);
		assertTrue(r.err.contains("fashion-mnist-small"), r.err);
		assertTrue(r.err.contains("steps 2 (given)") && r.err.contains("sampler pc (recommended by the model folder)"),
			"each setting and where it came from: " + r.err);
		assertTrue(r.err.contains("warning: 2 steps is far below what this model needs"), "the bundled model " +
			"recommends 200 steps: " + r.err);
		final java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(out.toFile());
		assertEquals(28, png.getWidth());
		assertEquals(java.awt.image.BufferedImage.TYPE_BYTE_GRAY, png.getType(), "one channel, grey");
	}

	@Test
	void theReadmeMainCommandUsesTheBundledFashionMnistModel(@TempDir final Path dir) throws Exception {
		final java.util.List<String> words = sc.fiji.scoresde.Readme.words(sc.fiji.scoresde.Readme.firstCodeLineAfter(
			"Main job"));
		assertEquals("bin/score-sde", words.get(0));
		final java.util.List<String> args = new java.util.ArrayList<>(words.subList(1, words.size()));
		assertFalse(args.contains("--model"), "the main command relies on the default model: " + words);
		final int steps = args.indexOf("--steps"), output = args.indexOf("--output"), grid = args.indexOf("--grid");
		args.set(steps + 1, "3");
		args.set(output + 1, dir.resolve(args.get(output + 1)).toString());
		final Result r = run(args.toArray(new String[0]));
		assertEquals(0, r.code, r.err);
		assertTrue(r.err.contains("fashion-mnist-small"), r.err);
		final java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(dir.resolve("samples.png").toFile());
		assertEquals(java.awt.image.BufferedImage.TYPE_BYTE_GRAY, png.getType());
		final int columns = Integer.parseInt(args.get(grid + 1));
		final int zoom = Integer.parseInt(args.get(args.indexOf("--zoom") + 1));
		assertEquals(columns * (28 * zoom + 2 * zoom) + 2 * zoom, png.getWidth(), "a grid of 28×28 images");
	}
}
