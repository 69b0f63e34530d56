package sc.fiji.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.cli.TrainCommandTestAccess;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.sampling.SamplerOptions;

/** Short runs of the benchmarks whose printouts the README quotes. */
class BenchCommandsTest {

	@Test
	void bundledArchitecturesParse() throws Exception {
		final UNet2DConfig celebahq = BenchCommand.config("ncsnpp-celebahq-256.json");
		assertEquals(256, celebahq.height());
		assertEquals(64, BenchCommand.config("ncsnpp-64.json").height());
	}

	@Test
	void benchSamplersPrintsOneRowPerSamplerAndTheExactSampleFloor() {
		final BenchRun r = BenchRun.of("bench-samplers", "--samples", "20", "--budgets", "10");
		assertEquals(0, r.code, r.err);
		assertTrue(r.out.contains("\nexact-samples "), r.out);
		for (final String name : SamplerOptions.NAMES)
			assertTrue(r.out.matches("(?s).*\\n" + name + " +(steps|tol) .*"), name + " missing:\n" + r.out);
	}

	@Test
	void benchInpaintingPrintsEveryTaskWithItsFloor() {
		final BenchRun r = BenchRun.of("bench-inpainting", "--samples", "200", "--budget", "16");
		assertEquals(0, r.code, r.err);
		for (final String task : new String[] { "inpaint", "colorize", "denoise", "edit" })
			assertTrue(r.out.matches("(?s).*\\n" + task + " +floor .*"), r.out);
		assertTrue(r.out.contains("pc+resample3"), r.out);
		assertTrue(r.out.contains("max |Tweedie mean − exact posterior mean|"), r.out);
	}

	@Test
	void benchSmcPrintsTheExactSamplesYardstickAndTheMeanOfItsRepeats() {
		final BenchRun r = BenchRun.of("bench-smc", "--samples", "200", "--particles", "2", "--steps", "3", "--repeats",
			"2", "--tasks", "inpaint", "--no-replacement");
		assertEquals(0, r.code, r.err);
		boolean exact = false, particles = false;
		for (final String line : r.out.split("\n")) {
			final String[] f = line.split("\\|");
			if (line.startsWith("| inpaint | exact samples |")) {
				exact = true;
				// a ratio is the largest of three errors each divided by its mean: above 1 for exact samples
				assertTrue(Double.parseDouble(f[4].trim()) > 1, line);
				assertTrue(f[12].contains("above 1.5"), line);
			}
			if (line.startsWith("| inpaint | particles 2 × 3 |")) {
				particles = true;
				final String[] each = f[12].trim().split(" ");
				assertEquals(2, each.length, line);
				assertEquals((Double.parseDouble(each[0]) + Double.parseDouble(each[1])) / 2, Double.parseDouble(f[4]
					.trim()), 0.006, line);
			}
		}
		assertTrue(exact && particles, r.out);
		final BenchRun calibration = BenchRun.of("bench-calibration", "--images", "none.idx", "--results", "1");
		assertTrue(calibration.code != 0 && calibration.err.contains("--results: at least 2"), calibration.err);
		final BenchRun refused = BenchRun.of("bench-smc", "--repeats", "0");
		assertTrue(refused.code != 0 && refused.err.contains("--repeats takes 1 to 1000, not 0"), refused.err);
	}

	@Test
	void benchQualityPrintsTheDenoiserTableAndOneFrechetRowPerRun(@TempDir final Path dir) throws Exception {
		final Path train = TrainCommandTestAccess.barsIdx(dir.resolve("train-images-idx3-ubyte"), 200, 1);
		final Path test = TrainCommandTestAccess.barsIdx(dir.resolve("t10k-images-idx3-ubyte"), 300, 2);
		final Path architecture = dir.resolve("tiny-train.json");
		try (InputStream in = BenchCommandsTest.class.getResourceAsStream("/configs/tiny-train/config.json")) {
			Files.copy(in, architecture);
		}
		final Path model = dir.resolve("model");
		assertEquals(0, sc.fiji.scoresde.cli.Main.run(new java.io.PrintWriter(new java.io.StringWriter()),
			new java.io.PrintWriter(new java.io.StringWriter()), "train", "--data", train.toString(), "--output", model
				.toString(), "--architecture", architecture.toString(), "--steps", "2", "--batch", "4", "--quiet"));

		final BenchRun r = BenchRun.of("bench-quality", "--model", model.toString(), "--train", train.toString(),
			"--test", test.toString(), "--count", "40", "--components", "4", "--denoiser-images", "32", "--runs",
			"heun:2,em:3,ode:1e-1", "--plot", dir.resolve("q.png").toString());
		assertEquals(0, r.code, r.err);
		final Map<String, double[]> rows = new HashMap<>();
		int sigmas = 0;
		for (final String line : r.out.split("\n")) {
			final String[] f = line.trim().split("\\s+");
			if (f.length == 6 && f[0].matches("[0-9.]+")) {
				sigmas++;
				// the ratio column is model error ÷ mean-guess error
				assertEquals(Double.parseDouble(f[1]) / Double.parseDouble(f[2]), Double.parseDouble(f[3]), 0.01, line);
				// the oracles fit more freely than the model's own scale (1) and offset (0): never a larger error
				final double own = Double.parseDouble(f[1]), scale = Double.parseDouble(f[4]), affine = Double
					.parseDouble(f[5]);
				assertTrue(scale <= own + 1e-4 && affine <= scale + 1e-4, line);
			}
			if (f.length == 4 && f[0].contains(":")) rows.put(f[0], new double[] { Double.parseDouble(f[1]), Double
				.parseDouble(f[2]) });
		}
		assertEquals(9, sigmas, r.out);
		assertEquals(Set.of("heun:2", "em:3", "ode:1e-1"), rows.keySet(), r.out);
		assertEquals(3, rows.get("heun:2")[0], 0, "heun with 2 steps makes 3 calls");
		assertEquals(3, rows.get("em:3")[0], 0);
		assertTrue(rows.get("ode:1e-1")[0] > 1, r.out);
		assertTrue(Files.size(dir.resolve("q.png")) > 0);

		final BenchRun bad = BenchRun.of("bench-quality", "--model", model.toString(), "--test", test.toString(),
			"--runs", "heun");
		assertEquals(1, bad.code);
		assertTrue(bad.err.contains("--runs entry 'heun'"), bad.err);

		// no denoiser table: only the Fréchet rows, and no NaN anywhere
		final BenchRun fdOnly = BenchRun.of("bench-quality", "--model", model.toString(), "--train", train
			.toString(), "--test", test.toString(), "--count", "8", "--components", "4", "--denoiser-images", "0",
			"--runs", "em:2");
		assertEquals(0, fdOnly.code, fdOnly.err);
		assertFalse(fdOnly.out.contains("denoiser") || fdOnly.out.contains("NaN"), fdOnly.out);
		assertTrue(fdOnly.out.lines().anyMatch(l -> l.startsWith("em:2 ")), fdOnly.out);
	}
}
