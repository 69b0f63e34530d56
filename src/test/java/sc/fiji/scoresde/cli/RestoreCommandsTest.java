package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inpaint, colorize, denoise and edit on the command line with the bundled model; bad input writes nothing. */
class RestoreCommandsTest {

	@TempDir
	Path dir;

	private Path grey(final String name, final int size) throws Exception {
		final BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++)
				img.getRaster().setSample(x, y, 0, (x * 9 + y * 5) % 256);
		final Path f = dir.resolve(name);
		ImageIO.write(img, "png", f.toFile());
		return f;
	}

	@Test
	void inpaintKeepsTheKnownPixelsAndMakesTheRectangle() throws Exception {
		final Path in = grey("in.png", 28);
		final Path out = dir.resolve("out.png");
		final GenerateCommandTest.Result r = GenerateCommandTest.run("inpaint", "--image", in.toString(), "--rect",
			"7,7,14,14", "--steps", "3", "--seed", "1", "--quiet", "--output", out.toString());
		assertEquals(0, r.code, r.err);
		final BufferedImage a = ImageIO.read(in.toFile()), b = ImageIO.read(out.toFile());
		int changed = 0;
		for (int y = 0; y < 28; y++)
			for (int x = 0; x < 28; x++) {
				final boolean inside = x >= 7 && x < 21 && y >= 7 && y < 21;
				final int pa = a.getRaster().getSample(x, y, 0), pb = b.getRaster().getSample(x, y, 0);
				if (!inside) assertEquals(pa, pb, "known pixel " + x + "," + y);
				else if (pa != pb) changed++;
			}
		assertTrue(changed > 100, changed + " regenerated pixels changed");
	}

	@Test
	void denoiseMeanAndEditRun() throws Exception {
		final Path in = grey("in.png", 28);
		final GenerateCommandTest.Result d = GenerateCommandTest.run("denoise", "--image", in.toString(), "--sigma",
			"0.1", "--quiet", "--output", dir.resolve("d.tif").toString());
		assertEquals(0, d.code, d.err);
		assertTrue(Files.size(dir.resolve("d.tif")) > 28 * 28);
		assertTrue(d.err.contains("posterior mean (Tweedie's formula, 1 network call)") && !d.err.contains(
			"500 steps"), "the log names the one call that runs: " + d.err);
		final GenerateCommandTest.Result s = GenerateCommandTest.run("denoise", "--image", in.toString(), "--sigma",
			"0.1", "--samples", "2", "--steps", "3", "--seed", "2", "--quiet", "--output", dir.resolve("s.png")
				.toString());
		assertEquals(0, s.code, s.err);
		assertTrue(s.err.contains("sampler em, 3 steps"), s.err);
		final GenerateCommandTest.Result e = GenerateCommandTest.run("edit", "--image", in.toString(), "--strength",
			"0.3", "--steps", "3", "--seed", "2", "--quiet", "--output", dir.resolve("e.npy").toString());
		assertEquals(0, e.code, e.err);
		assertTrue(e.err.contains("started at sigma"), e.err);
	}

	@Test
	void upscaleWithParticlesWritesResultsMeanAndStdWhoseBlockMeansAreTheInput() throws Exception {
		final Path in = grey("small.png", 14);
		final Path out = dir.resolve("up.npy");
		final GenerateCommandTest.Result r = GenerateCommandTest.run("upscale", "--image", in.toString(), "--particles",
			"3", "--steps", "4", "--batch", "2", "--uncertainty", "--seed", "5", "--quiet", "--output", out.toString());
		assertEquals(0, r.code, r.err);
		assertTrue(r.err.contains("particle sampler (MCGdiff), 3 particles, 4 steps") && r.err.contains("effective " +
			"sample size"), r.err);
		assertEquals(2, sc.fiji.scoresde.images.NpyReader.readStack(Files.readAllBytes(out), "up.npy").size());
		final float[] mean = sc.fiji.scoresde.images.NpyReader.read(dir.resolve("up-mean.npy")).chw;
		final float[] std = sc.fiji.scoresde.images.NpyReader.read(dir.resolve("up-std.npy")).chw;
		assertEquals(28 * 28, mean.length);
		assertEquals(28 * 28, std.length);
		final BufferedImage small = ImageIO.read(in.toFile());
		double spread = 0;
		for (int by = 0; by < 14; by++)
			for (int bx = 0; bx < 14; bx++) {
				double m = 0;
				for (int dy = 0; dy < 2; dy++)
					for (int dx = 0; dx < 2; dx++)
						m += mean[(2 * by + dy) * 28 + 2 * bx + dx] / 4;
				// the results are clamped to [0, 1] like every image written, so the block means hold up to that
				assertEquals(small.getRaster().getSample(bx, by, 0) / 255.0, m, 0.02, "block " + bx + "," + by);
			}
		for (final float v : std) {
			assertTrue(v >= 0);
			spread += v;
		}
		assertTrue(spread > 0, "the std map is not all 0");
	}

	@Test
	void upscaleRefusesAnImageOfTheModelsSizeAndWritesNothing() throws Exception {
		final Path in = grey("in.png", 28);
		final Path out = dir.resolve("up.png");
		final GenerateCommandTest.Result r = GenerateCommandTest.run("upscale", "--image", in.toString(), "--steps", "2",
			"--quiet", "--output", out.toString());
		assertEquals(1, r.code, r.err);
		assertTrue(r.err.contains("give a 14×14 image for factor 2"), r.err);
		assertFalse(Files.exists(out));
	}

	@Test
	void badInputIsRefusedAndNothingIsWritten() throws Exception {
		final Path in = grey("in.png", 28);
		final Path small = grey("small.png", 20);
		final Path out = dir.resolve("bad.png");
		final String[][] cases = { { "inpaint", "--image", in.toString(), "--mask", small.toString() },
			{ "inpaint", "--image", in.toString(), "--rect", "20,20,14,14" },
			{ "inpaint", "--image", in.toString(), "--rect", "0,0,28,28" },
			{ "inpaint", "--image", small.toString(), "--rect", "1,1,4,4" },
			{ "colorize", "--image", in.toString() },
			{ "denoise", "--image", in.toString(), "--sigma", "0.1", "--samples", "2", "--sampler", "ode" },
			{ "edit", "--image", in.toString(), "--strength", "1.5" } };
		final String[] words = { "20×20", "inside", "whole image", "sample_size", "3-channel", "stochastic",
			"strength" };
		for (int i = 0; i < cases.length; i++) {
			final String[] args = new String[cases[i].length + 4];
			System.arraycopy(cases[i], 0, args, 0, cases[i].length);
			args[cases[i].length] = "--steps";
			args[cases[i].length + 1] = "2";
			args[cases[i].length + 2] = "--output";
			args[cases[i].length + 3] = out.toString();
			final GenerateCommandTest.Result r = GenerateCommandTest.run(args);
			assertTrue(r.code != 0, String.join(" ", cases[i]));
			assertTrue(r.err.contains(words[i]), "case " + i + ": " + r.err);
			assertFalse(Files.exists(out), "case " + i + " wrote output");
		}
	}

	@Test
	void npyInputIsTakenAsItIsAndDamagedNpyIsRefused() throws Exception {
		final float[] noisy = new float[28 * 28];
		final java.util.Random r = new java.util.Random(1);
		for (int i = 0; i < noisy.length; i++)
			noisy[i] = (float) (0.5 + 0.1 * r.nextGaussian());
		final Path in = dir.resolve("noisy.npy");
		sc.fiji.scoresde.images.NpyWriter.writeFloat32(in, noisy, 28, 28);
		final sc.fiji.scoresde.images.UserImage image = sc.fiji.scoresde.images.UserImage.read(in);
		assertEquals(1, image.channels);
		assertEquals(noisy[100], image.chw[100], 0f);
		final Path out = dir.resolve("mean.npy");
		final GenerateCommandTest.Result ok = GenerateCommandTest.run("denoise", "--image", in.toString(), "--quiet",
			"--output", out.toString());
		assertEquals(0, ok.code, ok.err);
		assertTrue(ok.err.contains("started at sigma") || Files.exists(out), ok.err);
		final Path bad = dir.resolve("bad.npy");
		final byte[] bytes = Files.readAllBytes(in);
		Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 8));
		final GenerateCommandTest.Result refused = GenerateCommandTest.run("denoise", "--image", bad.toString(),
			"--output", dir.resolve("never.npy").toString());
		assertTrue(refused.code != 0);
		assertTrue(refused.err.contains("data bytes"), refused.err);
		assertFalse(Files.exists(dir.resolve("never.npy")));
	}
}
