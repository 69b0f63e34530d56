package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a running {@code score-sde generate}: it stops at its next check, writes nothing and exits 143. */
class InterruptionTest {

	private static String read(final Path file) throws Exception {
		return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
	}

	@Test
	void sigtermStopsARunningGenerationWritesNothingAndExits143(@TempDir final Path dir) throws Exception {
		final Path work = Files.createDirectories(dir.resolve("work"));
		final Path out = work.resolve("out.npy");
		final Path stderr = dir.resolve("stderr.txt");
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
			"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp, Main.class.getName(),
			"generate", "--model", GenerateCommandTest.tinyPipeline(), "--steps", "2000", "--batch", "2", "--seed",
			"0", "--output", out.toString()).redirectError(stderr.toFile()).redirectOutput(dir.resolve(
				"stdout.txt").toFile()).start();
		try {
			final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			// past the first network calls (the first one warms libtorch up and takes seconds on a busy machine)
			// the progress bar skips numbers on a quiet machine: wait for any count from 3 on
			while (!java.util.regex.Pattern.compile("\\b([3-9]|\\d\\d+)/4000 network calls").matcher(read(stderr))
				.find() && p.isAlive() && System.nanoTime() < deadline)
				Thread.sleep(50);
			assertTrue(p.isAlive(), "the run is under way: " + read(stderr));
			final long signal = System.nanoTime();
			p.destroy(); // SIGTERM
			assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run stopped: " + read(stderr));
			final double seconds = (System.nanoTime() - signal) / 1e9;
			final String err = read(stderr);
			assertEquals(143, p.exitValue(), err);
			assertTrue(err.contains("score-sde: stopping at the next network call"), err);
			assertTrue(err.contains("score-sde: stopped: cancelled after") && err.contains("no output was written"),
				err);
			assertFalse(err.contains("Exception"), err);
			try (Stream<Path> files = Files.list(work)) {
				final List<Path> left = files.collect(Collectors.toList());
				assertEquals(List.of(), left, "nothing written, not even a temporary file");
			}
			System.out.printf("SIGTERM to exit: %.2f s%n", seconds);
		}
		finally {
			p.destroyForcibly();
		}
	}
}
