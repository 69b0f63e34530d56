package sc.fiji.scoresde.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.images.ZarrImageStack;

/**
 * The packaged job as a cluster runs it: {@code spark-submit} (Spark's SparkSubmit, which bin/spark-submit calls,
 * from SPARK_HOME/jars only) with the shaded jar, on a standalone master with two workers (local-cluster mode).
 */
class SparkSubmitIT {

	private static String submit(final Path dataset, final Path log) throws IOException, InterruptedException {
		final String sparkHome = System.getenv("SPARK_HOME"), options = System.getProperty("spark.java17.options");
		final File[] jars = new File("target").listFiles((d, n) -> n.startsWith("score-sde-spark-") && n.endsWith(
			"-all.jar"));
		if (sparkHome == null || options == null || jars == null || jars.length != 1) throw new IllegalStateException(
			"run through Maven after package (SPARK_HOME " + sparkHome + ", JVM options " + options + ", shaded jars " +
				(jars == null ? 0 : jars.length) + ")");
		final List<String> cmd = new ArrayList<>();
		cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		cmd.addAll(Arrays.asList(options.trim().split("\\s+")));
		cmd.add("-cp");
		cmd.add(sparkHome + "/jars/*");
		cmd.add("org.apache.spark.deploy.SparkSubmit");
		for (final String a : new String[] { "--class", "sc.fiji.scoresde.spark.SparkGenerate", "--master",
			"local-cluster[2,1,1536]", "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
			jars[0].getAbsolutePath(), "--count", "4", "--steps", "3", "--device", "cpu", "--output", dataset
				.toString() })
			cmd.add(a);
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!p.waitFor(5, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			throw new AssertionError("spark-submit did not finish in 5 minutes; log " + log);
		}
		final String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), out);
		return out;
	}

	@Test
	void theShadedJarRunsUnderSparkSubmitOnAStandaloneClusterAndResumes(@TempDir final Path dir) throws Exception {
		final Path dataset = dir.resolve("s.zarr");
		final String first = submit(dataset, dir.resolve("first.log"));
		assertTrue(first.contains("4 computed now in 2 task(s)"), first);
		final ZarrImageStack stack = ZarrImageStack.open(dataset);
		assertTrue(stack.missing().isEmpty());
		final String again = submit(dataset, dir.resolve("again.log"));
		assertTrue(again.contains("0 computed now"), again);
		try (Stream<Path> files = Files.walk(dataset)) {
			assertEquals(4, files.filter(f -> f.getFileName().toString().equals("0") && f.getParent().getFileName()
				.toString().equals("0") && Files.isRegularFile(f)).collect(Collectors.toList()).size());
		}
	}
}
