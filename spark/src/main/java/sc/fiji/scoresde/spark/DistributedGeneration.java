package sc.fiji.scoresde.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

import sc.fiji.scoresde.eval.FrechetEvaluation;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.images.PngWriter;
import sc.fiji.scoresde.images.ZarrImageStack;
import sc.fiji.scoresde.model.ModelConfigException;

/**
 * A generation run on Spark: the driver checks the model, creates (or reopens) the Zarr image stack and sends the
 * seeds whose images are missing to the executors, a few seeds per task; each task runs the solo generation of each
 * seed on the executor's one copy of the model and writes every image as one chunk (complete or absent). A failed
 * task is retried by Spark and redoes only its seeds that are not complete; a second run over a complete stack sends
 * nothing.
 */
public final class DistributedGeneration {

	/** What a run did. */
	public static final class Summary {

		public final int images, computed, tasks;
		public final double seconds;

		Summary(final int images, final int computed, final int tasks, final double seconds) {
			this.images = images;
			this.computed = computed;
			this.tasks = tasks;
			this.seconds = seconds;
		}
	}

	/** Shipped to the executors with each task. */
	static final class Job implements Serializable {

		private static final long serialVersionUID = 1L;
		GenerationPlan plan;
		String dataset;
		String pngFolder;
		/** tests: the first attempt of this partition fails after its first image (−1: never) */
		int failFirstAttemptOfPartition = -1;
	}

	private DistributedGeneration() {}

	/**
	 * @param tasks how many tasks to split the missing seeds into (at most one seed per task)
	 * @param pngFolder also write each image as PNG there (null: none)
	 */
	public static Summary run(final JavaSparkContext spark, final GenerationPlan plan, final Path dataset,
		final Path pngFolder, final int tasks, final Consumer<String> log) throws IOException, ModelConfigException
	{
		return run(spark, plan, dataset, pngFolder, tasks, -1, log);
	}

	static Summary run(final JavaSparkContext spark, final GenerationPlan plan, final Path dataset,
		final Path pngFolder, final int tasks, final int failFirstAttemptOfPartition, final Consumer<String> log)
		throws IOException, ModelConfigException
	{
		plan.validate();
		if (tasks < 1) throw new IllegalArgumentException("--tasks " + tasks + " must be at least 1");
		final long t0 = System.nanoTime();
		// the driver checks the model (config and weights present) before any executor starts on it
		final PipelineFolder folder = PipelineFolder.open(ModelLocator.locate(plan.model, HubClient.Progress.NONE,
			log), true);
		if (folder.unetConfig.sampleSize == null) throw new IllegalArgumentException(folder.unetConfigFile +
			" has no sample_size, so the image size is unknown");
		plan.resolveSampler(folder, log);
		final ZarrImageStack stack = ZarrImageStack.openOrCreate(dataset, plan.count, folder.unetConfig.inChannels,
			folder.unetConfig.height(), folder.unetConfig.width(), plan.describe(plan.model == null ? DefaultModel.NAME
				: plan.model));
		final List<Integer> missingSeeds = new ArrayList<>();
		int missingImages = 0;
		for (int s = 0; s < plan.seeds(); s++)
			if (!complete(stack, plan, s)) {
				missingSeeds.add(s);
				missingImages += plan.imagesOf(s);
			}
		log.accept(String.format(Locale.ROOT, "%s: %d image(s) from %d seed(s) (%d..%d, %d image(s) per seed); %d " +
			"seed(s) to compute, %d done", dataset, plan.count, plan.seeds(), plan.firstSeed, plan.seed(plan.seeds() -
				1), plan.imagesPerSeed, missingSeeds.size(), plan.seeds() - missingSeeds.size()));
		if (missingSeeds.isEmpty()) return new Summary(plan.count, 0, 0, (System.nanoTime() - t0) / 1e9);

		final Job job = new Job();
		job.plan = plan;
		job.dataset = dataset.toAbsolutePath().toString();
		job.pngFolder = pngFolder == null ? null : pngFolder.toAbsolutePath().toString();
		job.failFirstAttemptOfPartition = failFirstAttemptOfPartition;
		final int partitions = Math.min(tasks, missingSeeds.size());
		final LongAccumulator written = spark.sc().longAccumulator("images written");
		spark.setJobDescription("score-sde: " + missingSeeds.size() + " seed(s) into " + dataset);
		spark.parallelize(missingSeeds, partitions).foreachPartition(seeds -> runSeeds(job, seeds, written));
		final List<Integer> stillMissing = stack.missing();
		if (!stillMissing.isEmpty()) throw new IllegalStateException(dataset + ": " + stillMissing.size() +
			" image(s) still missing after the run (first: " + stillMissing.get(0) + ")");
		final double seconds = (System.nanoTime() - t0) / 1e9;
		log.accept(String.format(Locale.ROOT, "computed %d image(s) in %d task(s), %.1f s (%.3f images/s); %d chunk " +
			"writes", missingImages, partitions, seconds, missingImages / seconds, written.value()));
		return new Summary(plan.count, missingImages, partitions, seconds);
	}

	private static boolean complete(final ZarrImageStack stack, final GenerationPlan plan, final int seedIndex) {
		for (int k = 0; k < plan.imagesOf(seedIndex); k++)
			if (!stack.has(plan.firstImage(seedIndex) + k)) return false;
		return true;
	}

	/** One task: its seeds, in order, skipping those a failed earlier attempt completed. */
	static void runSeeds(final Job job, final Iterator<Integer> seeds, final LongAccumulator written)
		throws IOException
	{
		final ZarrImageStack stack = ZarrImageStack.open(Paths.get(job.dataset));
		final LoadedModel model = ExecutorModels.get(job.plan.model, job.plan.device);
		final TaskContext task = TaskContext.get();
		final boolean failAfterFirst = task != null && task.attemptNumber() == 0 && task.partitionId() == job
			.failFirstAttemptOfPartition;
		while (seeds.hasNext()) {
			final int s = seeds.next();
			if (complete(stack, job.plan, s)) continue;
			final GenerationService.Hooks hooks = new GenerationService.Hooks();
			if (task != null) hooks.cancelled = task::isInterrupted;
			final GeneratedImages images = GenerationService.generate(model, job.plan.request(s), hooks);
			final int d = images.height * images.width * images.channels;
			final float[] planar = FrechetEvaluation.planar(images.nhwc, images.batch, images.height, images.width,
				images.channels);
			final byte[] uint8 = job.pngFolder != null ? images.toUint8() : null;
			for (int k = 0; k < images.batch; k++) {
				final int image = job.plan.firstImage(s) + k;
				stack.write(image, Arrays.copyOfRange(planar, k * d, (k + 1) * d));
				written.add(1);
				if (uint8 != null) PngWriter.write(Paths.get(job.pngFolder, String.format(Locale.ROOT,
					"image-%06d.png", image)), Arrays.copyOfRange(uint8, k * d, (k + 1) * d), 1, images.height,
					images.width, images.channels);
				if (failAfterFirst) throw new IllegalStateException("failure injected by the test after image " +
					image + " (partition " + task.partitionId() + ", attempt 0)");
			}
		}
	}
}
