package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java … HeadlessImageJ macro.ijm "args"} as the README runs it, in its own JVM with the plugin jar in a
 * plugins folder: a macro that stops with an error exits non-zero and says why on stderr; one that ends exits 0.
 */
class HeadlessImageJTest {

	@TempDir
	static Path imagej;

	@BeforeAll
	static void install() throws Exception {
		PluginJar.build(imagej.resolve("plugins"));
	}

	/** Exit code and stderr of HeadlessImageJ on this macro. */
	static Object[] run(final Path dir, final String macro, final String argument) throws Exception {
		final Path file = dir.resolve("headless_batch.ijm");
		Files.writeString(file, macro);
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final Path err = dir.resolve("stderr.txt");
		final Process p = new ProcessBuilder(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
			.toString(), "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djava.awt.headless=true",
			"-Dai.djl.offline=true", "-Dplugins.dir=" + imagej, "-cp", cp, HeadlessImageJ.class.getName(), file
				.toString(), argument)).redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(err.toFile())
			.start();
		assertTrue(p.waitFor(180, TimeUnit.SECONDS), "HeadlessImageJ finished");
		return new Object[] { p.exitValue(), Files.readString(err) };
	}

	@Test
	void aMacroThatEndsExitsZero(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("out.txt");
		final Object[] r = run(dir, "File.saveString(\"ran \" + getArgument(), \"" + out + "\");", "with=argument");
		assertEquals(0, r[0], (String) r[1]);
		assertEquals("ran with=argument", Files.readString(out));
	}

	@Test
	void aMacroErrorExitsNonZeroWithTheErrorOnStderr(@TempDir final Path dir) throws Exception {
		final Object[] r = run(dir, "print(\"start\");\nx = noSuchVariable + 1;\nprint(\"not reached\");", "");
		assertNotEquals(0, r[0], "exit code after a macro error; stderr: " + r[1]);
		assertTrue(((String) r[1]).contains("stopped with an error: Undefined variable") && ((String) r[1]).contains(
			"noSuchVariable"), (String) r[1]);
	}

	@Test
	void aPluginErrorExitsNonZeroWithItsSentence(@TempDir final Path dir) throws Exception {
		final Object[] r = run(dir, "run(\"Generate (VE)...\", \"model=[] steps=0 seed=1\");\nprint(\"not reached\");",
			"");
		assertNotEquals(0, r[0], "exit code after the plugin's error; stderr: " + r[1]);
		assertTrue(((String) r[1]).contains("'steps' is 0"), (String) r[1]);
	}

	@Test
	void exitWithAMessageExitsNonZero(@TempDir final Path dir) throws Exception {
		final Object[] r = run(dir, new String(Files.readAllBytes(Paths.get("macros", "headless_batch.ijm"))), "");
		assertNotEquals(0, r[0], "headless_batch.ijm without out= stops; stderr: " + r[1]);
		assertTrue(((String) r[1]).contains("headless_batch.ijm stopped with an error"), (String) r[1]);
	}

}
