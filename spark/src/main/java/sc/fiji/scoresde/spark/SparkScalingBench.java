package sc.fiji.scoresde.spark;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * {@code bin/score-sde bench-spark}: images per second of the same run (bundled model, pc sampler) done solo in
 * this JVM (with libtorch's default threads and with one), then on Spark with one and with two executor cores, both
 * as task slots of one JVM (local[N]) and as executor JVMs of a standalone cluster (local-cluster[N,1,…], one
 * libtorch thread each, as Spark sets it); each figure also as a ratio to the solo run measured here.
 */
@Command(name = "bench-spark", mixinStandardHelpOptions = true, description = "Throughput of spark-generate " +
	"against a solo run of the same images.")
public final class SparkScalingBench implements Callable<Integer> {

	@Option(names = "--count", defaultValue = "64")
	int count;

	@Option(names = "--images-per-seed", defaultValue = "8")
	int imagesPerSeed;

	@Option(names = "--steps", defaultValue = "100")
	int steps;

	@Option(names = "--work", defaultValue = "target/bench-spark", description = "folder for the stacks (emptied)")
	Path work;

	@Override
	public Integer call() throws Exception {
		final GenerationPlan plan = new GenerationPlan();
		plan.count = count;
		plan.imagesPerSeed = imagesPerSeed;
		plan.device = "cpu";
		plan.sampler.steps = steps;
		plan.validate();
		deleteTree(work);
		System.out.printf(Locale.ROOT, "%d images of the bundled model, pc %d steps (%d calls per image), %d image(s)" +
			" per seed, %d cores here%n", count, steps, 2 * steps, imagesPerSeed, Runtime.getRuntime()
				.availableProcessors());
		final double solo = solo(plan);
		final int threads = JniUtils.getNumThreads();
		row("solo, this JVM (libtorch's " + threads + " threads)", solo, solo);
		// the executors below get OMP_NUM_THREADS = spark.task.cpus = 1 from Spark: the same work on one thread
		JniUtils.setNumThreads(1);
		final double soloOneThread = solo(plan);
		JniUtils.setNumThreads(threads);
		row("solo, this JVM, 1 libtorch thread", soloOneThread, solo);
		final String jar = new File(SparkScalingBench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
			.getPath();
		final String[][] modes = { { "local[1]", "local[1]: 1 task slot" }, { "local[2]",
			"local[2]: 2 task slots, one JVM" }, { "local-cluster[1,1,2048]", "standalone: 1 executor JVM × 1 core" }, {
				"local-cluster[2,1,2048]", "standalone: 2 executor JVMs × 1 core" } };
		for (final String[] mode : modes) {
			final SparkConf conf = new SparkConf().setMaster(mode[0]).setAppName("bench-spark").set("spark.ui.enabled",
				"false").set("spark.driver.host", "127.0.0.1");
			if (mode[0].startsWith("local-cluster")) conf.set("spark.executor.extraClassPath", jar).set(
				"spark.executorEnv.OMP_NUM_THREADS", "1").set("spark.executor.extraJavaOptions", "-Dai.djl.offline=true");
			final long t0 = System.nanoTime();
			try (JavaSparkContext spark = new JavaSparkContext(conf)) {
				// the executors start (and load the model) inside the timed span, as they would for a real run
				DistributedGeneration.run(spark, plan, work.resolve(mode[0].replaceAll("[^a-z0-9]", "_") + ".zarr"), null,
					plan.seeds(), line -> {});
			}
			row(mode[1], (System.nanoTime() - t0) / 1e9, solo);
		}
		return 0;
	}

	private double solo(final GenerationPlan plan) throws Exception {
		final long t0 = System.nanoTime();
		try (LoadedModel model = LoadedModel.load(DefaultModel.extract(), Device.cpu(), line -> {})) {
			for (int s = 0; s < plan.seeds(); s++)
				GenerationService.generate(model, plan.request(s), new GenerationService.Hooks());
		}
		return (System.nanoTime() - t0) / 1e9;
	}

	private void row(final String what, final double seconds, final double solo) {
		System.out.printf(Locale.ROOT, "%-42s %7.1f s  %6.3f images/s  %5.2f× the solo time%n", what, seconds, count /
			seconds, seconds / solo);
	}

	private static void deleteTree(final Path root) throws java.io.IOException {
		if (!Files.exists(root)) return;
		try (java.util.stream.Stream<Path> s = Files.walk(root)) {
			s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
	}

	public static void main(final String... args) {
		System.exit(new CommandLine(new SparkScalingBench()).execute(args));
	}
}
