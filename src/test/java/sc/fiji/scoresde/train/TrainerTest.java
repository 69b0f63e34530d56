package sc.fiji.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.model.HostTensor;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.weights.SafeTensors;
import sc.fiji.scoresde.model.UNet2DModel;

/** The training loop end to end on the tiny architecture: it learns, resumes exactly, cancels safely, its output loads. */
class TrainerTest {

	private static List<Double> losses(final Path output) throws Exception {
		final List<Double> out = new ArrayList<>();
		for (final String line : Files.readAllLines(output.resolve("training").resolve("log.tsv")))
			if (!line.startsWith("step")) out.add(Double.parseDouble(line.split("\t")[1]));
		return out;
	}

	/** the two runs' checkpoints hold the same tensors bit for bit, and their logs the same losses */
	private static void assertSameRun(final Path straight, final Path split) throws Exception {
		final Map<String, HostTensor> a = SafeTensors.read(Trainer.checkpointFile(straight));
		final Map<String, HostTensor> b = SafeTensors.read(Trainer.checkpointFile(split));
		assertEquals(a.keySet(), b.keySet());
		for (final String k : a.keySet())
			assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k);
		assertEquals(losses(straight), losses(split));
	}

	private static double mean(final List<Double> v) {
		return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
	}

	@Test
	void theLossFallsAndTheOutputIsAOneChannelPipelineWithTheEmaWeights(@TempDir final Path dir) throws Exception {
		final TrainingImages data = TrainingTestData.squares(64, 8, 1);
		final TrainingOptions o = TrainingTestData.quick(150);
		final Path out = dir.resolve("model");
		final List<String> log = new ArrayList<>();
		final Trainer.Hooks hooks = new Trainer.Hooks();
		hooks.log = log::add;
		final Trainer.Result r = Trainer.train(data, o, out, hooks);
		assertFalse(r.cancelled);
		assertEquals(150, r.steps);
		assertTrue(log.stream().anyMatch(l -> l.startsWith("sigma_max")), String.join("\n", log));
		assertEquals(data.largestPairwiseDistance(8, 8), r.sigmaMax, 1e-9);

		// the denoising loss of an untrained network is about ½·dims = 32; training must bring it well down
		final List<Double> losses = losses(out);
		assertEquals(150, losses.size());
		final double first = mean(losses.subList(0, 10)), last = mean(losses.subList(130, 150));
		assertTrue(last < 0.6 * first, "loss from " + first + " to " + last);

		// diffusers layout; the weights are the checkpoint's EMA, bit for bit
		for (final String f : new String[] { "model_index.json", "unet/config.json",
			"unet/diffusion_pytorch_model.safetensors", "scheduler/scheduler_config.json" })
			assertTrue(Files.isRegularFile(out.resolve(f)), f);
		final Map<String, HostTensor> saved = SafeTensors.read(out.resolve("unet/diffusion_pytorch_model.safetensors"));
		final TrainingCheckpoint ckpt = TrainingCheckpoint.read(Trainer.checkpointFile(out));
		final Map<String, HostTensor> ema = ckpt.section("ema/");
		// diffusers' state dict names the Fourier weight twice (time_proj.weight and time_proj.W)
		assertArrayEquals(saved.get("time_proj.weight").toFloatArray(), saved.remove("time_proj.W").toFloatArray());
		assertEquals(ema.keySet(), saved.keySet());
		for (final String k : saved.keySet())
			assertArrayEquals(ema.get(k).toFloatArray(), saved.get(k).toFloatArray(), k);

		// loaded back, the pipeline gives the scores of a network built from those weights
		try (LoadedModel loaded = LoadedModel.load(out, Device.cpu(), w -> {});
			NDManager m = NDManager.newBaseManager(Device.cpu());
			UNet2DModel direct = new UNet2DModel(ckpt.unetConfig(), m.newSubManager()))
		{
			direct.loadWeights(ema, "ema", w -> {});
			final NDArray x = m.randomNormal(new Shape(2, 1, 8, 8));
			final NDArray sigma = m.create(new float[] { 0.5f, 0.5f });
			assertArrayEquals(direct.forward(x, sigma, null).toFloatArray(), loaded.scoreModel().score(x, 0.5f)
				.toFloatArray());
			assertEquals(r.sigmaMax, loaded.schedulerConfig().sigmaMax, 1e-12);
			// a one-channel model makes one-channel images
			final GenerationRequest request = new GenerationRequest();
			request.batch = 3;
			request.sampler.steps = 5;
			request.seed = 0L;
			final GeneratedImages images = GenerationService.generate(loaded, request, new GenerationService.Hooks());
			assertEquals(1, images.channels);
			assertEquals(3 * 8 * 8, images.nhwc.length);
		}
	}

	@Test
	void aRunStartedFromAPipelineBeginsWithItsWeightsAndSigmaRange(@TempDir final Path dir) throws Exception {
		final TrainingImages data = TrainingTestData.squares(64, 8, 1);
		final Path first = dir.resolve("first"), tuned = dir.resolve("tuned");
		final Trainer.Result r1 = Trainer.train(data, TrainingTestData.quick(3), first, new Trainer.Hooks());
		final TrainingOptions o = TrainingTestData.quick(1);
		o.init = first.toString();
		o.architecture = "no such preset: init decides the architecture";
		o.sigmaMin = 0.5;
		o.weighting = "edm";
		o.warmup = 10; // the first update of a warm-up has rate 0, so the weights stay those of the start
		final List<String> log = new ArrayList<>();
		final Trainer.Hooks hooks = new Trainer.Hooks();
		hooks.log = log::add;
		final Trainer.Result r2 = Trainer.train(data, o, tuned, hooks);
		assertEquals(r1.sigmaMax, r2.sigmaMax, 0);
		assertEquals(0.01, PipelineFolder.open(tuned, true).schedulerConfig.sigmaMin, 0, "sigma_min of the start");
		final Map<String, HostTensor> a = SafeTensors.read(first.resolve("unet/diffusion_pytorch_model.safetensors"));
		final Map<String, HostTensor> b = SafeTensors.read(tuned.resolve("unet/diffusion_pytorch_model.safetensors"));
		assertEquals(a.keySet(), b.keySet());
		for (final String k : a.keySet())
			assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k);
		assertTrue(log.stream().anyMatch(l -> l.startsWith("starting from the weights of")), String.join("\n", log));
		final String options = Files.readString(tuned.resolve("training/options.json"));
		assertTrue(options.contains("\"weighting\": \"edm\"") && options.contains("\"init\""), options);
		final String sigmaData = TrainingCheckpoint.read(Trainer.checkpointFile(tuned)).option("sigma_data");
		assertEquals(data.pixelStd(), sigmaData == null ? -1 : Double.parseDouble(sigmaData), 1e-12);

		// a start that does not fit the data, and init together with resume, are refused before anything is written
		final TrainingOptions rgb = TrainingTestData.quick(1);
		rgb.init = Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString();
		assertMessage(() -> Trainer.train(data, rgb, dir.resolve("rgb"), new Trainer.Hooks()), "makes 3-channel images");
		assertFalse(Files.exists(dir.resolve("rgb")));
		final TrainingOptions both = TrainingTestData.quick(1);
		both.init = first.toString();
		both.resume = true;
		assertMessage(() -> Trainer.train(data, both, first, new Trainer.Hooks()), "cannot start from another model");
	}

	@Test
	void stepsLeaveNoArraysBehind(@TempDir final Path dir) throws Exception {
		final List<Integer> live = new ArrayList<>();
		Trainer.afterStep = base -> live.add(base.getManagedArrays().size());
		try {
			Trainer.train(TrainingTestData.squares(8, 8, 5), TrainingTestData.quick(6), dir.resolve("m"), new Trainer
				.Hooks());
		}
		finally {
			Trainer.afterStep = null;
		}
		// the first steps create the optimizer's moments; after that every step must free what it made
		assertEquals(live.get(2), live.get(5), "arrays alive after each step: " + live);
	}

	@Test
	void aResumedRunEqualsTheUninterruptedOne(@TempDir final Path dir) throws Exception {
		final TrainingImages data = TrainingTestData.squares(16, 8, 2);
		final Path straight = dir.resolve("straight"), split = dir.resolve("split");
		Trainer.train(data, TrainingTestData.quick(6), straight, new Trainer.Hooks());
		final TrainingOptions firstHalf = TrainingTestData.quick(3);
		Trainer.train(data, firstHalf, split, new Trainer.Hooks());
		assertEquals(3, TrainingCheckpoint.read(Trainer.checkpointFile(split)).steps());
		final TrainingOptions rest = TrainingTestData.quick(6);
		rest.resume = true;
		final List<String> log = new ArrayList<>();
		final Trainer.Hooks hooks = new Trainer.Hooks();
		hooks.log = log::add;
		Trainer.train(data, rest, split, hooks);
		assertTrue(log.stream().anyMatch(l -> l.contains("resuming") && l.contains("at step 3")), String.join("\n", log));
		assertSameRun(straight, split);
	}

	/** a run whose every run option differs from the defaults */
	private static TrainingOptions unusual() {
		final TrainingOptions o = TrainingTestData.quick(6);
		o.batch = 4;
		o.learningRate = 3e-3;
		o.lrSchedule = "cosine";
		o.warmup = 2;
		o.gradClip = 0.5;
		o.emaDecay = 0.9;
		o.seed = 7;
		o.flips = false;
		o.sigmaMin = 0.05;
		return o;
	}

	@Test
	void aResumeThatRepeatsNoOptionContinuesTheRunAsItWasStarted(@TempDir final Path dir) throws Exception {
		final TrainingImages data = TrainingTestData.squares(16, 8, 2);
		final Path straight = dir.resolve("straight"), split = dir.resolve("split");
		Trainer.train(data, unusual(), straight, new Trainer.Hooks());
		final Trainer.Hooks stopAt3 = new Trainer.Hooks();
		final int[] done = { 0 };
		stopAt3.progress = (d, t, l, r) -> done[0] = d;
		stopAt3.cancelled = () -> done[0] >= 3;
		assertTrue(Trainer.train(data, unusual(), split, stopAt3).cancelled);

		// what `train --output split --resume` gives: nothing but the folder and resume; the defaults differ in
		// steps, batch, rate, schedule, warm-up, clip, EMA, seed, flips, architecture and sigma_min
		final TrainingOptions resume = new TrainingOptions();
		resume.resume = true;
		resume.device = "cpu";
		resume.given = java.util.Set.of();
		final List<String> log = new ArrayList<>();
		final Trainer.Hooks hooks = new Trainer.Hooks();
		hooks.log = log::add;
		assertEquals(6, Trainer.train(data, resume, split, hooks).steps);
		assertSameRun(straight, split);
		assertEquals(Files.readString(straight.resolve("training/options.json")), Files.readString(split.resolve(
			"training/options.json")));
		assertFalse(log.stream().anyMatch(l -> l.contains("with a change") || l.contains("keeps its")), String.join(
			"\n", log));

		// a given option holds (a longer run), and the log says what changed; the architecture stays the checkpoint's
		final TrainingOptions longer = new TrainingOptions();
		longer.resume = true;
		longer.device = "cpu";
		longer.steps = 8;
		longer.architecture = "small";
		longer.given = java.util.Set.of("steps", "architecture");
		log.clear();
		assertEquals(8, Trainer.train(data, longer, split, hooks).steps);
		assertTrue(log.contains("resuming with a change: steps 8 (the run had 6)"), String.join("\n", log));
		assertTrue(log.stream().anyMatch(l -> l.startsWith("a resumed run keeps its checkpoint's architecture ") && l
			.endsWith("(given: small)")), String.join("\n", log));
		final String options = Files.readString(split.resolve("training/options.json"));
		assertTrue(options.contains("\"steps\": 8") && options.contains("\"batch\": 4") && options.contains(
			"\"seed\": 7") && options.contains("\"flips\": false") && options.contains("\"lr_schedule\": \"cosine\""),
			options);
	}

	@Test
	void aSecondRunIntoAFolderBeingTrainedIsRefusedAndTouchesNothing(@TempDir final Path dir) throws Exception {
		final TrainingImages data = TrainingTestData.squares(8, 8, 5);
		final Path out = dir.resolve("run");
		Trainer.train(data, TrainingTestData.quick(2), out, new Trainer.Hooks());
		final byte[] checkpoint = Files.readAllBytes(Trainer.checkpointFile(out));
		final byte[] options = Files.readAllBytes(out.resolve("training/options.json"));
		final TrainingOptions more = TrainingTestData.quick(4);
		more.resume = true;
		try (TrainingLock held = TrainingLock.acquire(out)) {
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.train(data,
				more, out, new Trainer.Hooks()));
			assertTrue(e.getMessage().startsWith("another run is training into " + out), e.getMessage());
		}
		assertArrayEquals(checkpoint, Files.readAllBytes(Trainer.checkpointFile(out)));
		assertArrayEquals(options, Files.readAllBytes(out.resolve("training/options.json")));
		// released, the folder can be resumed
		assertEquals(4, Trainer.train(data, more, out, new Trainer.Hooks()).steps);
	}

	@Test
	void cancellingKeepsAResumableCheckpointAndWritesNoPipeline(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("model");
		final Trainer.Hooks hooks = new Trainer.Hooks();
		final int[] steps = { 0 };
		hooks.progress = (done, total, loss, lr) -> steps[0] = done;
		hooks.cancelled = () -> steps[0] >= 2;
		final Trainer.Result r = Trainer.train(TrainingTestData.squares(8, 8, 3), TrainingTestData.quick(50), out,
			hooks);
		assertTrue(r.cancelled);
		assertEquals(2, r.steps);
		assertEquals(2, TrainingCheckpoint.read(Trainer.checkpointFile(out)).steps());
		assertFalse(Files.exists(out.resolve("model_index.json")));
		assertFalse(Files.exists(out.resolve("unet")));
	}

	@Test
	void badRequestsFailClearlyAndTouchNothing(@TempDir final Path dir) throws Exception {
		final TrainingImages data = TrainingTestData.squares(8, 8, 4);
		final Path busy = Files.createDirectory(dir.resolve("busy"));
		Files.writeString(busy.resolve("keep.txt"), "mine");
		assertMessage(() -> Trainer.train(data, TrainingTestData.quick(2), busy, new Trainer.Hooks()), "is not empty");
		assertEquals(List.of("keep.txt"), list(busy));
		assertEquals("mine", Files.readString(busy.resolve("keep.txt"), StandardCharsets.UTF_8));

		final TrainingOptions resume = TrainingTestData.quick(2);
		resume.resume = true;
		assertMessage(() -> Trainer.train(data, resume, dir.resolve("fresh"), new Trainer.Hooks()),
			"nothing to resume");
		assertFalse(Files.exists(dir.resolve("fresh")));

		final Path positional = dir.resolve("positional.json");
		Files.writeString(positional, Files.readString(TrainingTestData.tinyArchitecturePath()).replace("\"fourier\"",
			"\"positional\""));
		final TrainingOptions o = TrainingTestData.quick(2);
		o.architecture = positional.toString();
		assertMessage(() -> Trainer.train(data, o, dir.resolve("p"), new Trainer.Hooks()), "time_embedding_type must " +
			"be \"fourier\"");
		final TrainingOptions odd = TrainingTestData.quick(2);
		odd.size = 7;
		assertMessage(() -> Trainer.train(data, odd, dir.resolve("odd"), new Trainer.Hooks()), "size 7 is not a " +
			"multiple of 2");
		final TrainingOptions big = TrainingTestData.quick(2);
		big.size = 16;
		assertMessage(() -> Trainer.train(data, big, dir.resolve("big"), new Trainer.Hooks()), "smaller than the " +
			"training size 16×16");
		final TrainingOptions unknown = TrainingTestData.quick(2);
		unknown.architecture = "huge";
		assertMessage(() -> Trainer.train(data, unknown, dir.resolve("u"), new Trainer.Hooks()), "neither a preset");
		final TrainingOptions zero = TrainingTestData.quick(0);
		assertMessage(() -> Trainer.train(data, zero, dir.resolve("z"), new Trainer.Hooks()), "steps must be at least 1");
		for (final String name : new String[] { "p", "odd", "big", "u", "z" })
			assertFalse(Files.exists(dir.resolve(name)), name);

		// a finished run refuses to be overwritten; resuming a finished run with more steps continues it
		final Path done = dir.resolve("done");
		Trainer.train(data, TrainingTestData.quick(2), done, new Trainer.Hooks());
		assertMessage(() -> Trainer.train(data, TrainingTestData.quick(2), done, new Trainer.Hooks()),
			"already holds a training checkpoint");
		final TrainingOptions more = TrainingTestData.quick(4);
		more.resume = true;
		assertEquals(4, Trainer.train(data, more, done, new Trainer.Hooks()).steps);
		final Path foreign = dir.resolve("foreign");
		SafeTensors.write(Trainer.checkpointFile(foreign), Map.of("w", HostTensor.ofFloats(new long[] { 1 }, new float[] {
			1 })), Map.of("format", "something else"));
		final TrainingOptions resumeForeign = TrainingTestData.quick(2);
		resumeForeign.resume = true;
		assertMessage(() -> Trainer.train(data, resumeForeign, foreign, new Trainer.Hooks()), "not a training " +
			"checkpoint of this tool");
		final TrainingImages rgb = new TrainingImages(3, List.of(new TrainingImages.Image("c", 8, 8, new float[192])),
			"raw");
		final TrainingOptions wrong = TrainingTestData.quick(6);
		wrong.resume = true;
		assertMessage(() -> Trainer.train(rgb, wrong, done, new Trainer.Hooks()), "trained on 1-channel images");
	}

	@Test
	void nonFiniteStepsAreSkippedAndARunOfThemStopsTraining(@TempDir final Path dir) throws Exception {
		final float[] nan = new float[64];
		java.util.Arrays.fill(nan, Float.NaN);
		final TrainingImages bad = new TrainingImages(1, List.of(new TrainingImages.Image("nan", 8, 8, nan)), "raw");
		final TrainingOptions o = TrainingTestData.quick(20);
		assertMessage(() -> Trainer.train(bad, o, dir.resolve("a"), new Trainer.Hooks()), "sigma_max cannot come " +
			"from the data");
		o.sigmaMax = 10;
		final List<String> log = new ArrayList<>();
		final Trainer.Hooks hooks = new Trainer.Hooks();
		hooks.log = log::add;
		assertMessage(() -> Trainer.train(bad, o, dir.resolve("b"), hooks), "not finite for 5 steps in a row");
		assertEquals(5, log.stream().filter(l -> l.contains("update skipped")).count(), String.join("\n", log));
	}

	@Test
	void aCheckpointKeepsTheOptimizerUpdateCountApartFromTheStepCount(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("m");
		Trainer.train(TrainingTestData.squares(8, 8, 6), TrainingTestData.quick(2), out, new Trainer.Hooks());
		final TrainingCheckpoint c = TrainingCheckpoint.read(Trainer.checkpointFile(out));
		assertEquals(2, c.steps());
		assertEquals(2, c.adamUpdates());
		// as after three skipped steps: resuming must continue Adam's count (bias correction, warm-up), not the steps'
		final Map<String, HostTensor> tensors = SafeTensors.read(Trainer.checkpointFile(out));
		final Map<String, String> metadata = new java.util.LinkedHashMap<>(SafeTensors.readHeader(Trainer
			.checkpointFile(out)).metadata);
		metadata.put("steps", "5");
		SafeTensors.write(Trainer.checkpointFile(out), tensors, metadata);
		final TrainingCheckpoint skipped = TrainingCheckpoint.read(Trainer.checkpointFile(out));
		assertEquals(5, skipped.steps());
		assertEquals(2, skipped.adamUpdates());
	}

	private static List<String> list(final Path dir) throws Exception {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
		}
	}

	private interface Call {

		void run() throws Exception;
	}

	private static void assertMessage(final Call call, final String fragment) {
		final Exception e = assertThrows(Exception.class, call::run);
		assertTrue(String.valueOf(e.getMessage()).contains(fragment), "expected '" + fragment + "' in: " + e
			.getMessage());
	}
}
