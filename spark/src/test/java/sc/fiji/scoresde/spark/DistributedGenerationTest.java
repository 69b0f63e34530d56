package sc.fiji.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.apache.spark.SparkConf;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.eval.FrechetEvaluation;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.images.ZarrImageStack;

/**
 * Spark local[2] in this JVM (up to 3 attempts per task, so that a failed task is retried) on the bundled
 * Fashion-MNIST model with a 3-step pc sampler.
 */
class DistributedGenerationTest {

	private static JavaSparkContext spark;
	private static LoadedModel solo;
	private static final AtomicInteger FAILED_TASKS = new AtomicInteger();

	@BeforeAll
	static void start() throws IOException {
		spark = new JavaSparkContext(new SparkConf().setMaster("local[2,3]").setAppName("score-sde test").set(
			"spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
		spark.sc().addSparkListener(new SparkListener() {

			@Override
			public void onTaskEnd(final SparkListenerTaskEnd end) {
				if (end.reason() != Success$.MODULE$) FAILED_TASKS.incrementAndGet();
			}
		});
		solo = LoadedModel.load(DefaultModel.extract(), Device.cpu(), line -> {});
	}

	@AfterAll
	static void stop() {
		spark.close();
		solo.close();
	}

	private static GenerationPlan plan(final int count, final int imagesPerSeed) {
		final GenerationPlan p = new GenerationPlan();
		p.count = count;
		p.firstSeed = 40;
		p.imagesPerSeed = imagesPerSeed;
		p.device = "cpu";
		p.sampler.steps = 3;
		return p;
	}

	/** What {@code generate --seed S --batch B} gives for the seed's images, channel-major, one after another. */
	static float[] soloSeed(final LoadedModel model, final GenerationPlan plan, final int seedIndex) {
		final GeneratedImages images = GenerationService.generate(model, plan.request(seedIndex), new GenerationService
			.Hooks());
		return FrechetEvaluation.planar(images.nhwc, images.batch, images.height, images.width, images.channels);
	}

	private static void assertEqualsSoloRuns(final GenerationPlan plan, final Path dataset) throws IOException {
		final ZarrImageStack stack = ZarrImageStack.open(dataset);
		assertEquals(plan.count, stack.count());
		final int d = stack.pixelsPerImage();
		for (int s = 0; s < plan.seeds(); s++) {
			final float[] seed = soloSeed(solo, plan, s);
			for (int k = 0; k < plan.imagesOf(s); k++) {
				final int image = plan.firstImage(s) + k;
				assertArrayEquals(Arrays.copyOfRange(seed, k * d, (k + 1) * d), stack.read(image), "image " + image +
					" differs from its solo run");
			}
		}
	}

	@Test
	void eightImagesAsFourTasksEqualEightSoloRunsAndTheModelLoadsOncePerExecutor(@TempDir final Path dir)
		throws Exception
	{
		final GenerationPlan plan = plan(8, 1);
		final int loadsBefore = ExecutorModels.loads();
		final DistributedGeneration.Summary s = DistributedGeneration.run(spark, plan, dir.resolve("a.zarr"), dir
			.resolve("png"), 4, line -> {});
		assertEquals(8, s.computed);
		assertEquals(4, s.tasks);
		assertEqualsSoloRuns(plan, dir.resolve("a.zarr"));
		// local mode has one executor: the four tasks shared one model (or reused one an earlier test loaded)
		assertTrue(ExecutorModels.loads() - loadsBefore <= 1, "model loaded " + (ExecutorModels.loads() -
			loadsBefore) + " times for 4 tasks in one executor");
		assertEquals(8, Files.list(dir.resolve("png")).filter(p -> p.toString().endsWith(".png")).count());
	}

	@Test
	void seedsWithSeveralImagesEqualSoloBatchesIncludingAShorterLastOne(@TempDir final Path dir) throws Exception {
		final GenerationPlan plan = plan(7, 2);
		DistributedGeneration.run(spark, plan, dir.resolve("b.zarr"), null, 3, line -> {});
		assertEqualsSoloRuns(plan, dir.resolve("b.zarr"));
	}

	@Test
	void aTaskThatFailsHalfwayIsRetriedAndTheStackIsCompleteAndCorrect(@TempDir final Path dir) throws Exception {
		final GenerationPlan plan = plan(8, 2);
		final int failedBefore = FAILED_TASKS.get();
		final DistributedGeneration.Summary s = DistributedGeneration.run(spark, plan, dir.resolve("c.zarr"), null, 2,
			1, line -> {});
		assertEquals(1, FAILED_TASKS.get() - failedBefore, "the injected failure should fail exactly one attempt");
		assertEquals(8, s.computed);
		assertEqualsSoloRuns(plan, dir.resolve("c.zarr"));
		try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("c.zarr"))) {
			assertEquals(0, files.filter(p -> p.getFileName().toString().contains(".part")).count(),
				"a temporary chunk was left behind");
		}
	}

	@Test
	void aSecondRunOverACompleteStackComputesNothingAndAPartialOneOnlyWhatIsMissing(@TempDir final Path dir)
		throws Exception
	{
		final GenerationPlan plan = plan(6, 1);
		final Path dataset = dir.resolve("d.zarr");
		DistributedGeneration.run(spark, plan, dataset, null, 3, line -> {});
		final List<FileTime> times = new ArrayList<>();
		final List<Path> chunks = new ArrayList<>();
		for (int k = 0; k < 6; k++) {
			final Path chunk = dataset.resolve("0/" + k + "/0/0/0");
			chunks.add(chunk);
			times.add(Files.getLastModifiedTime(chunk));
		}
		Thread.sleep(20);
		final DistributedGeneration.Summary again = DistributedGeneration.run(spark, plan, dataset, null, 3, line -> {});
		assertEquals(0, again.computed);
		assertEquals(0, again.tasks);
		for (int k = 0; k < 6; k++)
			assertEquals(times.get(k), Files.getLastModifiedTime(chunks.get(k)), "chunk " + k + " was rewritten");

		Files.delete(chunks.get(4));
		final DistributedGeneration.Summary resumed = DistributedGeneration.run(spark, plan, dataset, null, 3,
			line -> {});
		assertEquals(1, resumed.computed);
		assertEquals(times.get(2), Files.getLastModifiedTime(chunks.get(2)));
		assertEqualsSoloRuns(plan, dataset);
	}

	@Test
	void theStackOpensAsOneFourDimensionalImage(@TempDir final Path dir) throws Exception {
		final GenerationPlan plan = plan(4, 1);
		DistributedGeneration.run(spark, plan, dir.resolve("e.zarr"), null, 2, line -> {});
		final ZarrImageStack stack = ZarrImageStack.open(dir.resolve("e.zarr"));
		final int w = stack.width(), h = stack.height(), c = stack.channels(), n = stack.count();
		// (C, H, W) chunks one after another are ImgLib2's (x, y, c, image) order
		final float[] all = new float[n * c * h * w];
		for (int k = 0; k < n; k++)
			System.arraycopy(stack.read(k), 0, all, k * c * h * w, c * h * w);
		final ArrayImg<FloatType, FloatArray> img = ArrayImgs.floats(all, w, h, c, n);
		assertEquals(4, img.numDimensions());
		assertArrayEquals(new long[] { 28, 28, 1, 4 }, img.dimensionsAsLongArray());
		final float[] third = soloSeed(solo, plan, 2);
		final RandomAccess<FloatType> ra = img.randomAccess();
		ra.setPosition(new long[] { 13, 20, 0, 2 });
		assertEquals(third[20 * 28 + 13], ra.get().get());
		assertEquals(40 + 3, stack.description().get("first_seed").getAsLong() + 3);
	}

	@Test
	void badRunsAreRefusedBeforeAnyTaskStarts(@TempDir final Path dir) throws Exception {
		final Path dataset = dir.resolve("f.zarr");
		DistributedGeneration.run(spark, plan(2, 1), dataset, null, 1, line -> {});
		final GenerationPlan otherSteps = plan(2, 1);
		otherSteps.sampler.steps = 4;
		final IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> DistributedGeneration
			.run(spark, otherSteps, dataset, null, 1, line -> {}));
		assertTrue(mixed.getMessage().contains("made by another run"), mixed.getMessage());

		final GenerationPlan none = plan(0, 1);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> DistributedGeneration.run(spark, none, dir
			.resolve("g.zarr"), null, 1, line -> {})).getMessage().contains("--count"));
		final GenerationPlan missingModel = plan(2, 1);
		missingModel.model = dir.resolve("no-such-model").toString();
		assertThrows(Exception.class, () -> DistributedGeneration.run(spark, missingModel, dir.resolve("h.zarr"), null,
			1, line -> {}));
		assertTrue(!Files.exists(dir.resolve("g.zarr")) && !Files.exists(dir.resolve("h.zarr")),
			"a refused run left a dataset behind");
	}
}
