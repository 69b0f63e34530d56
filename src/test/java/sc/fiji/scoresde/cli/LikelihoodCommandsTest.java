package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.images.NpyWriter;
import sc.fiji.scoresde.images.UserImage;

/** score-sde likelihood and interpolate with the bundled model (1×28×28), loose tolerances to stay quick. */
class LikelihoodCommandsTest {

	/** n 28×28 images: a bright ellipse whose width changes with the index. */
	static float[] shapes(final int n) {
		final float[] x = new float[n * 784];
		for (int k = 0; k < n; k++)
			for (int i = 0; i < 28; i++)
				for (int j = 0; j < 28; j++)
					x[k * 784 + i * 28 + j] = Math.hypot((i - 13.5) / 11, (j - 13.5) / (5 + 2 * k)) < 1 ? 0.8f : 0;
		return x;
	}

	@Test
	@Tag("heavy") // two likelihood runs at rtol 1e-3: minutes on a 2-core CPU; runs with -Pheavy (.ci/run)
	void likelihoodPrintsALinePerImageAndWritesTheCsv(@TempDir final Path dir) throws Exception {
		final Path in = dir.resolve("two.npy"), csv = dir.resolve("t.csv");
		NpyWriter.writeFloat32(in, shapes(2), 2, 28, 28);
		final GenerateCommandTest.Result r = GenerateCommandTest.run("likelihood", "--images", in.toString(), "--rtol",
			"1e-3", "--probes", "2", "--quiet");
		assertEquals(0, r.code, r.err);
		final String[] lines = r.out.split("\n");
		assertEquals("index,bits_per_dim,probe_standard_error,nfe,source", lines[0]);
		for (int i = 1; i <= 2; i++) {
			final String[] f = lines[i].split(",");
			assertEquals(String.valueOf(i - 1), f[0]);
			final double bits = Double.parseDouble(f[1]);
			assertTrue(bits > 0 && bits < 20, lines[i]);
			assertTrue(Double.parseDouble(f[2]) >= 0, "two probes give a standard error: " + lines[i]);
			assertTrue(Integer.parseInt(f[3]) > 10, lines[i]);
		}
		assertTrue(lines[3].startsWith("# ") && lines[3].contains("±"), lines[3]);

		// with --output the table goes to the file and stdout names it, as generate does; the same seed (0 by
		// default) gives the same figures
		final GenerateCommandTest.Result written = GenerateCommandTest.run("likelihood", "--images", in.toString(),
			"--rtol", "1e-3", "--probes", "2", "--quiet", "--output", csv.toString());
		assertEquals(0, written.code, written.err);
		assertEquals(csv.toString(), written.out.trim(), "stdout names the file only");
		assertTrue(written.err.contains("±"), "the summary stays on stderr: " + written.err);
		final List<String> file = Files.readAllLines(csv);
		assertEquals(3, file.size());
		assertEquals(lines[1], file.get(1));
		assertEquals(lines[2], file.get(2));
	}

	@Test
	void interpolateWritesAStackFromOneImageToTheOther(@TempDir final Path dir) throws Exception {
		final float[] x = shapes(2);
		final Path a = dir.resolve("a.npy"), b = dir.resolve("b.npy"), out = dir.resolve("morph.tif");
		NpyWriter.writeFloat32(a, java.util.Arrays.copyOfRange(x, 0, 784), 28, 28);
		NpyWriter.writeFloat32(b, java.util.Arrays.copyOfRange(x, 784, 1568), 28, 28);
		final GenerateCommandTest.Result r = GenerateCommandTest.run("interpolate", "--from", a.toString(), "--to", b
			.toString(), "--frames", "4", "--rtol", "1e-4", "--quiet", "--output", out.toString());
		assertEquals(0, r.code, r.err);
		assertTrue(r.err.contains("encoded in"), r.err);
		final List<UserImage> frames = UserImage.readStack(out, 0);
		assertEquals(4, frames.size());
		// the ends come back to the inputs within the round trip's error at this tolerance (RMS ~0.02)
		assertTrue(rms(frames.get(0).chw, x, 0) < 0.06, "first frame");
		assertTrue(rms(frames.get(3).chw, x, 784) < 0.06, "last frame");
		assertTrue(rms(frames.get(0).chw, x, 784) > 0.1, "the first frame is not the second image");
	}

	private static double rms(final float[] frame, final float[] x, final int from) {
		double s = 0;
		for (int i = 0; i < frame.length; i++)
			s += (frame[i] - x[from + i]) * (frame[i] - x[from + i]);
		return Math.sqrt(s / frame.length);
	}

	@Test
	void badInputsAreNamedAndNothingIsWritten(@TempDir final Path dir) throws Exception {
		final Path good = dir.resolve("good.npy"), big = dir.resolve("big.npy"), nan = dir.resolve("nan.npy");
		NpyWriter.writeFloat32(good, shapes(1), 28, 28);
		NpyWriter.writeFloat32(big, new float[32 * 32], 32, 32);
		final float[] n = shapes(1);
		n[5] = Float.NaN;
		NpyWriter.writeFloat32(nan, n, 28, 28);
		final Path csv = dir.resolve("t.csv"), tif = dir.resolve("m.tif");
		final String[][] cases = { { "likelihood", "--images", big.toString(), "--output", csv.toString() },
			{ "likelihood", "--images", nan.toString(), "--output", csv.toString() },
			{ "likelihood", "--images", good.toString(), "--probes", "0", "--output", csv.toString() },
			{ "likelihood", "--images", good.toString(), "--output", dir.resolve("t.txt").toString() },
			{ "likelihood", "--images", dir.resolve("missing.png").toString(), "--output", csv.toString() },
			{ "interpolate", "--from", good.toString(), "--to", big.toString(), "--output", tif.toString() },
			{ "interpolate", "--from", good.toString(), "--to", good.toString(), "--frames", "1", "--output", tif
				.toString() } };
		final String[] words = { "takes 28×28", "NaN", "probes", ".csv", "missing.png", "takes 28×28", "--frames" };
		for (int i = 0; i < cases.length; i++) {
			final GenerateCommandTest.Result r = GenerateCommandTest.run(cases[i]);
			assertTrue(r.code != 0, String.join(" ", cases[i]));
			assertTrue(r.err.contains(words[i]), "case " + i + ": " + r.err);
			assertFalse(Files.exists(csv) || Files.exists(tif) || Files.exists(dir.resolve("t.txt")), "case " + i +
				" wrote output");
		}
	}
}
