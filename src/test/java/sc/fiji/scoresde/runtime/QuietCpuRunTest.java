package sc.fiji.scoresde.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28 item 5: a CPU-only command-line run, in a JVM of its own with slf4j-simple at its default level (info),
 * prints only the plugin's own lines: no CUDA probe warning, no DJL INFO line, no terminal escape codes, and no NNPACK
 * warning at one libtorch thread (where libtorch checks NNPACK for every 1×1 convolution).
 */
class QuietCpuRunTest {

	@Test
	void cpuRunPrintsOnlyOwnLines(@TempDir final Path dir) throws Exception {
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final Path err = dir.resolve("stderr.txt");
		final Process p = new ProcessBuilder(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Xmx1g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
			"-Dorg.slf4j.simpleLogger.logFile=System.err", "-Dai.djl.pytorch.num_threads=1", "-cp", cp,
			"sc.fiji.scoresde.cli.Main", "generate", "--steps", "1", "--batch", "2", "--seed", "1", "--quiet",
			"--output", dir.resolve("out.npy").toString())).redirectError(err.toFile()).redirectOutput(dir.resolve(
				"stdout.txt").toFile()).start();
		if (!p.waitFor(300, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new AssertionError("the run did not end within 300 s");
		}
		final String text = new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), text);
		assertFalse(text.contains("CUDA"), text);
		assertFalse(text.contains("INFO"), text);
		assertFalse(text.contains("NNPACK"), text);
		assertFalse(text.contains("\u001b"), text);
		assertFalse(text.contains("ai.djl"), text);
	}
}
