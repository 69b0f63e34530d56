package sc.fiji.scoresde.spark;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sc.fiji.scoresde.cli.DeviceOption;
import sc.fiji.scoresde.cli.SamplerMixin;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.model.ModelConfigException;

/**
 * {@code spark-submit --class sc.fiji.scoresde.spark.SparkGenerate score-sde-spark-all.jar ...}, and
 * {@code bin/score-sde spark-generate --master local[2] ...}: many images of one model into one OME-Zarr stack.
 */
@Command(name = "spark-generate", mixinStandardHelpOptions = true, sortOptions = false,
	description = "Generate many images on a Spark cluster into one OME-Zarr image stack (one chunk per image); " +
		"re-running computes only the missing images.")
public final class SparkGenerate implements Callable<Integer> {

	@Option(names = "--model", description = "pipeline folder on a path every executor sees, or a hub id (each " +
		"executor fetches it into its hub cache); default: the bundled Fashion-MNIST model")
	String model;

	@Option(names = "--count", required = true, description = "number of images")
	int count;

	@Option(names = "--seed", defaultValue = "0", description = "seed of the first images (default: ${DEFAULT-VALUE})")
	long seed;

	@Option(names = "--images-per-seed", defaultValue = "1", description = "images of one solo run (its batch): " +
		"image k comes from seed + k / this, as generate --seed S --batch B makes it (default: ${DEFAULT-VALUE})")
	int imagesPerSeed;

	@Option(names = "--tasks", description = "Spark tasks to split the seeds into (default: the cluster's " +
		"default parallelism)")
	Integer tasks;

	@Mixin
	SamplerMixin sampler;

	/** on each executor */
	@Mixin
	DeviceOption device;

	@Option(names = "--output", required = true, paramLabel = "DATASET.zarr", description = "the image stack, on a " +
		"file system every executor writes to")
	Path output;

	@Option(names = "--png", paramLabel = "FOLDER", description = "also write image-NNNNNN.png per image there")
	Path png;

	@Option(names = "--master", description = "Spark master when not started by spark-submit, e.g. local[2]")
	String master;

	@Override
	public Integer call() throws Exception {
		final GenerationPlan plan = new GenerationPlan();
		plan.model = model;
		plan.device = device.text();
		plan.count = count;
		plan.firstSeed = seed;
		plan.imagesPerSeed = imagesPerSeed;
		plan.sampler = sampler.options();
		plan.validate();
		final SparkConf conf = new SparkConf().setAppName("score-sde spark-generate " + output.getFileName());
		if (master != null) conf.setMaster(master);
		else if (!conf.contains("spark.master")) throw new IllegalArgumentException("no Spark master: run through " +
			"spark-submit, or give --master (e.g. local[2])");
		try (JavaSparkContext spark = new JavaSparkContext(conf)) {
			// local runs from the command line: Spark's INFO lines would bury the progress (spark-submit keeps the
			// cluster's logging settings)
			if (master != null) spark.setLogLevel("WARN");
			final DistributedGeneration.Summary s = DistributedGeneration.run(spark, plan, output, png, tasks != null
				? tasks : spark.defaultParallelism(), System.err::println);
			System.out.printf(java.util.Locale.ROOT, "%s: %d image(s), %d computed now in %d task(s), %.1f s%n", output,
				s.images, s.computed, s.tasks, s.seconds);
		}
		return 0;
	}

	public static void main(final String... args) {
		final CommandLine cli = new CommandLine(new SparkGenerate());
		cli.setExecutionExceptionHandler((e, line, parsed) -> {
			if (e instanceof IllegalArgumentException || e instanceof IllegalStateException ||
				e instanceof ModelConfigException || e instanceof ModelFormatException)
			{
				line.getErr().println("spark-generate: " + e.getMessage());
				return 2;
			}
			throw e;
		});
		System.exit(cli.execute(args));
	}
}
