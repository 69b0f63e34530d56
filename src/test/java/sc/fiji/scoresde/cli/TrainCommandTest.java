package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** score-sde train on a folder, then generate from its output; bad arguments give one-line errors. */
class TrainCommandTest {

	static String tinyArchitecture() throws Exception {
		return Paths.get(TrainCommandTest.class.getResource("/configs/tiny-train/config.json").toURI()).toString();
	}

	/** n 8×8 grey PNGs with a bright bar. */
	static Path pngFolder(final Path dir, final int n) throws Exception {
		final Random random = new Random(1);
		Files.createDirectories(dir);
		for (int i = 0; i < n; i++) {
			final BufferedImage im = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
			final int row = random.nextInt(10);
			for (int x = 0; x < 10; x++)
				im.getRaster().setSample(x, row, 0, 255);
			ImageIO.write(im, "png", dir.resolve(String.format("img%03d.png", i)).toFile());
		}
		return dir;
	}

	@Test
	void trainsOnAFolderAndTheResultGenerates(@TempDir final Path dir) throws Exception {
		final Path data = pngFolder(dir.resolve("data"), 12);
		final Path out = dir.resolve("model");
		final GenerateCommandTest.Result r = GenerateCommandTest.run("train", "--data", data.toString(), "--output", out
			.toString(), "--architecture", tinyArchitecture(), "--size", "8", "--steps", "3", "--batch", "4", "--quiet");
		assertEquals(0, r.code, r.err);
		assertTrue(r.err.contains("data: 12 images"), r.err);
		assertTrue(r.err.contains("done after 3 steps"), r.err);
		assertEquals(out.toString(), r.out.trim());
		final Path png = dir.resolve("s.png");
		final GenerateCommandTest.Result g = GenerateCommandTest.run("generate", "--model", out.toString(), "--steps",
			"3", "--seed", "1", "--output", png.toString(), "--quiet");
		assertEquals(0, g.code, g.err);
		final BufferedImage im = ImageIO.read(png.toFile());
		assertEquals(8, im.getWidth());
		assertEquals(BufferedImage.TYPE_BYTE_GRAY, im.getType());

		// the same output again: refused, nothing changed
		final long before = Files.getLastModifiedTime(out.resolve("unet/diffusion_pytorch_model.safetensors"))
			.toMillis();
		final GenerateCommandTest.Result again = GenerateCommandTest.run("train", "--data", data.toString(),
			"--output", out.toString(), "--architecture", tinyArchitecture(), "--steps", "3", "--quiet");
		assertEquals(1, again.code);
		assertTrue(again.err.contains("already holds a training checkpoint"), again.err);
		assertEquals(before, Files.getLastModifiedTime(out.resolve("unet/diffusion_pytorch_model.safetensors"))
			.toMillis());
	}

	@Test
	void resumeTakesTheOptionsNotRepeatedFromTheCheckpoint(@TempDir final Path dir) throws Exception {
		final Path data = pngFolder(dir.resolve("data"), 12);
		final Path straight = dir.resolve("straight"), split = dir.resolve("split");
		final String[] options = { "--data", data.toString(), "--architecture", tinyArchitecture(), "--size", "8",
			"--batch", "4", "--lr", "1e-3", "--warmup", "1", "--grad-clip", "0.5", "--ema", "0.9", "--seed", "3",
			"--no-flips", "--sigma-min", "0.05", "--quiet" };
		final java.util.function.BiFunction<Path, String[], GenerateCommandTest.Result> train = (out, more) -> {
			final java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--output", out
				.toString()));
			args.addAll(java.util.List.of(more));
			try {
				return GenerateCommandTest.run(args.toArray(new String[0]));
			}
			catch (final Exception e) {
				throw new IllegalStateException(e);
			}
		};
		final java.util.List<String> four = new java.util.ArrayList<>(java.util.List.of(options));
		four.addAll(java.util.List.of("--steps", "4"));
		final java.util.List<String> two = new java.util.ArrayList<>(java.util.List.of(options));
		two.addAll(java.util.List.of("--steps", "2"));
		assertEquals(0, train.apply(straight, four.toArray(new String[0])).code);
		assertEquals(0, train.apply(split, two.toArray(new String[0])).code);
		// only the data, the folder and the longer run: batch, rate, warm-up, clip, EMA, seed and flips come from the
		// checkpoint, not from the defaults
		final GenerateCommandTest.Result r = train.apply(split, new String[] { "--data", data.toString(), "--resume",
			"--steps", "4", "--quiet" });
		assertEquals(0, r.code, r.err);
		assertTrue(r.err.contains("resuming with a change: steps 4 (the run had 2)"), r.err);
		assertTrue(java.util.Arrays.equals(Files.readAllBytes(straight.resolve(
			"unet/diffusion_pytorch_model.safetensors")), Files.readAllBytes(split.resolve(
				"unet/diffusion_pytorch_model.safetensors"))), "the resumed run's weights are the straight run's");
		assertEquals(Files.readString(straight.resolve("training/options.json")), Files.readString(split.resolve(
			"training/options.json")));
	}

	@Test
	void snapshotsAreLoadablePipelinesAtEveryCheckpointButTheLast(@TempDir final Path dir) throws Exception {
		final Path data = pngFolder(dir.resolve("data"), 8);
		final Path out = dir.resolve("model");
		final GenerateCommandTest.Result r = GenerateCommandTest.run("train", "--data", data.toString(), "--output", out
			.toString(), "--architecture", tinyArchitecture(), "--size", "8", "--steps", "5", "--batch", "4",
			"--checkpoint-every", "2", "--snapshots", "--quiet");
		assertEquals(0, r.code, r.err);
		final Path snapshots = out.resolve("training").resolve("snapshots");
		try (java.util.stream.Stream<Path> s = Files.list(snapshots)) {
			assertEquals(java.util.Arrays.asList("step-2", "step-4"), s.map(p -> p.getFileName().toString()).sorted()
				.collect(java.util.stream.Collectors.toList()));
		}
		assertTrue(r.err.contains("snapshot of the moving average at step 4"), r.err);
		// each is a pipeline that generates, and differs from the final weights
		final Path png = dir.resolve("s.png");
		final GenerateCommandTest.Result g = GenerateCommandTest.run("generate", "--model", snapshots.resolve("step-2")
			.toString(), "--steps", "2", "--seed", "1", "--output", png.toString(), "--quiet");
		assertEquals(0, g.code, g.err);
		assertEquals(8, ImageIO.read(png.toFile()).getWidth());
		assertFalse(java.util.Arrays.equals(Files.readAllBytes(snapshots.resolve(
			"step-4/unet/diffusion_pytorch_model.safetensors")), Files.readAllBytes(out.resolve(
				"unet/diffusion_pytorch_model.safetensors"))));
	}

	/** An idx3 file of n 8×8 images, each a bright bar on one random row. */
	static Path barsIdx(final Path file, final int n, final long seed) throws Exception {
		final Random random = new Random(seed);
		try (java.io.DataOutputStream out = new java.io.DataOutputStream(Files.newOutputStream(file))) {
			out.writeInt(0x803);
			out.writeInt(n);
			out.writeInt(8);
			out.writeInt(8);
			for (int i = 0; i < n; i++) {
				final int row = random.nextInt(8);
				for (int p = 0; p < 64; p++)
					out.write(p / 8 == row ? 255 : 0);
			}
		}
		return file;
	}

	/** Bar images as idx training (200) and test (300) files in dir, and a tiny model trained 2 steps on them. */
	private static Path barsAndABarelyTrainedModel(final Path dir) throws Exception {
		final Path train = barsIdx(dir.resolve("train-images-idx3-ubyte"), 200, 1);
		barsIdx(dir.resolve("t10k-images-idx3-ubyte"), 300, 2);
		final Path model = dir.resolve("model");
		assertEquals(0, GenerateCommandTest.run("train", "--data", train.toString(), "--output", model.toString(),
			"--architecture", tinyArchitecture(), "--steps", "2", "--batch", "4", "--quiet").code);
		return model;
	}

	@Test
	void evaluatePrintsTheThreeFrechetDistances(@TempDir final Path dir) throws Exception {
		final Path train = dir.resolve("train-images-idx3-ubyte"), test = dir.resolve("t10k-images-idx3-ubyte");
		final Path model = barsAndABarelyTrainedModel(dir);
		final GenerateCommandTest.Result r = GenerateCommandTest.run("evaluate", "--model", model.toString(),
			"--train", train.toString(), "--test", test.toString(), "--count", "100", "--components", "4",
			"--sampler", "heun", "--steps", "3", "--chunk", "50");
		assertEquals(0, r.code, r.err);
		final java.util.Map<String, Double> figures = figures(r.out);
		assertEquals(java.util.Set.of("a", "b", "c"), figures.keySet(), r.out);
		// held-out bars are far closer to the test bars than uniform noise is
		assertTrue(figures.get("c") < figures.get("b") / 5, r.out);
		assertTrue(r.err.contains("generated 100/100"), r.err);
	}

	/**
	 * evaluate --samples takes the model's samples from a Zarr image stack (as spark-generate writes it): bars there
	 * are as close to the test bars as held-out bars, noise there is as far as noise; an unfinished stack is refused.
	 */
	@Test
	void evaluateTakesTheSamplesFromAnImageStack(@TempDir final Path dir) throws Exception {
		final Path train = barsIdx(dir.resolve("train-images-idx3-ubyte"), 200, 1);
		final Path test = barsIdx(dir.resolve("t10k-images-idx3-ubyte"), 300, 2);
		final Path bars = barsIdx(dir.resolve("more-bars-idx3-ubyte"), 100, 3);
		final sc.fiji.scoresde.train.TrainingImages barImages = sc.fiji.scoresde.train.ImageSources.load(bars, 0, 0);
		final com.google.gson.JsonObject settings = new com.google.gson.JsonObject();
		settings.addProperty("what", "bars");
		final sc.fiji.scoresde.images.ZarrImageStack stack = sc.fiji.scoresde.images.ZarrImageStack.openOrCreate(dir.resolve(
			"s.zarr"), 100, 1, 8, 8, settings);
		for (int i = 0; i < 99; i++)
			stack.write(i, barImages.images().get(i).chw);
		final String[] args = { "evaluate", "--train", train.toString(), "--test", test.toString(), "--count", "100",
			"--components", "4", "--samples", dir.resolve("s.zarr").toString() };
		final GenerateCommandTest.Result unfinished = GenerateCommandTest.run(args);
		assertEquals(1, unfinished.code);
		assertTrue(unfinished.err.contains("image 99 is not done yet"), unfinished.err);

		stack.write(99, barImages.images().get(99).chw);
		final GenerateCommandTest.Result r = GenerateCommandTest.run(args);
		assertEquals(0, r.code, r.err);
		final java.util.Map<String, Double> figures = figures(r.out);
		assertTrue(r.out.contains("samples from " + dir.resolve("s.zarr")), r.out);
		assertTrue(figures.get("a") < figures.get("b") / 5 && figures.get("a") < 3 * figures.get("c"), r.out);
		assertTrue(!r.err.contains("generated"), "nothing should be generated: " + r.err);
	}

	@Test
	void badDataIsReportedByName(@TempDir final Path dir) throws Exception {
		final GenerateCommandTest.Result missing = GenerateCommandTest.run("train", "--data", dir.resolve("nope")
			.toString(), "--output", dir.resolve("o").toString(), "--quiet");
		assertEquals(1, missing.code);
		assertTrue(missing.err.contains("nope"), missing.err);
		final GenerateCommandTest.Result steps = GenerateCommandTest.run("train", "--data", dir.toString(), "--output",
			dir.resolve("o").toString(), "--steps", "0");
		assertEquals(2, steps.code, "a usage error");
		assertTrue(steps.err.contains("steps must be at least 1"), steps.err);
		final GenerateCommandTest.Result schedule = GenerateCommandTest.run("train", "--data", dir.toString(),
			"--output", dir.resolve("o").toString(), "--lr-schedule", "linear");
		assertEquals(2, schedule.code, "a usage error");
		assertTrue(schedule.err.contains("learning-rate schedule 'linear' is not one of constant, cosine"), schedule
			.err);
		assertFalse(Files.exists(dir.resolve("o")));
	}

	/** The evaluation's figures (a), (b), (c) from its printout: the number that ends each such line. */
	static java.util.Map<String, Double> figures(final String out) {
		final java.util.Map<String, Double> figures = new java.util.HashMap<>();
		final java.util.regex.Pattern line = java.util.regex.Pattern.compile("^\\s+\\(([abc])\\).*:\\s+([0-9.]+)$");
		for (final String l : out.split("\n")) {
			final java.util.regex.Matcher m = line.matcher(l);
			if (m.find()) figures.put(m.group(1), Double.parseDouble(m.group(2)));
		}
		return figures;
	}
}
