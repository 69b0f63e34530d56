package sc.fiji.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.images.ZarrImageStack;

/**
 * Spark's local-cluster mode: a standalone master and two workers in this JVM, each worker starting its own executor
 * JVM (1 core) from SPARK_HOME = target/spark-home (Spark's jars, set by the build), as a cluster's would. The
 * executors get this build's class path, as spark-submit would ship the job's jar. Spark sets OMP_NUM_THREADS =
 * spark.task.cpus (1) for executors; here they get the solo run's libtorch thread count instead, because another
 * intra-op thread count sums in another order (images then differ by about 1e-6: 0.51113355 against 0.5111329).
 */
class LocalClusterTest {

	@Test
	void twoExecutorJvmsWriteTheSameImagesAsSoloRuns(@TempDir final Path dir) throws Exception {
		final String sparkHome = System.getenv("SPARK_HOME");
		if (sparkHome == null || !Files.isDirectory(Paths.get(sparkHome, "jars"))) throw new IllegalStateException(
			"SPARK_HOME (" + sparkHome + ") has no jars/ folder; run this test through Maven (spark/pom.xml sets it)");
		final String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final LoadedModel solo = LoadedModel.load(DefaultModel.extract(), Device.cpu(), line -> {});
		final SparkConf conf = new SparkConf().setMaster("local-cluster[2,1,1536]").setAppName("score-sde cluster test")
			.set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.executor.extraClassPath",
				classPath).set("spark.executor.extraJavaOptions", "-Dai.djl.offline=true -Dscoresde.threads=2").set(
					"spark.executorEnv.OMP_NUM_THREADS", Integer.toString(JniUtils.getNumThreads()));
		final Set<String> executors = ConcurrentHashMap.newKeySet();
		final GenerationPlan plan = new GenerationPlan();
		plan.count = 8;
		plan.firstSeed = 7;
		plan.device = "cpu";
		plan.sampler.steps = 3;
		try (JavaSparkContext spark = new JavaSparkContext(conf)) {
			spark.sc().addSparkListener(new SparkListener() {

				@Override
				public void onTaskEnd(final SparkListenerTaskEnd end) {
					executors.add(end.taskInfo().executorId());
				}
			});
			final DistributedGeneration.Summary s = DistributedGeneration.run(spark, plan, dir.resolve("c.zarr"), null,
				4, System.out::println);
			assertEquals(8, s.computed);
		}
		assertEquals(2, executors.size(), "tasks ran on executors " + executors);
		final ZarrImageStack stack = ZarrImageStack.open(dir.resolve("c.zarr"));
		try {
			for (int k = 0; k < 8; k++) {
				assertArrayEquals(DistributedGenerationTest.soloSeed(solo, plan, k), stack.read(k), "image " + k);
			}
		}
		finally {
			solo.close();
		}
	}
}
