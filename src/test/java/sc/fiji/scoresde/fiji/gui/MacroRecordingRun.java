package sc.fiji.scoresde.fiji.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;

/**
 * Re-records src/test/resources/macros-recorded from the menus of a real ImageJ 1 window under Xvfb, with the code
 * as it is now: only on request, {@code mvn -o -q test -Dtest=MacroRecordingRun -Dmacros.record=<folder>} (a
 * recording is the reference for {@code RecordedMacrosReplayTest}; make one only from a build whose pixels are
 * known good, and say which in the folder's README; {@code -Dmacros.only=<case>,<case>} records those cases only).
 */
class MacroRecordingRun {

	@Test
	void recordEveryMenuEntry(@TempDir final Path work) throws Exception {
		final String folder = System.getProperty("macros.record");
		Assumptions.assumeTrue(folder != null && !folder.isEmpty(), "-Dmacros.record=<folder> not given");
		Assumptions.assumeTrue(RecorderReplayTest.hasXvfb(), "xvfb-run is not installed");
		final Path pluginsDir = work.resolve("ImageJ");
		sc.fiji.scoresde.fiji.PluginJarAccess.build(pluginsDir.resolve("plugins"));
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final List<String> entries = new ArrayList<>();
		for (final String e : cp.split(File.pathSeparator))
			if (!e.isEmpty() && !Paths.get(e).toAbsolutePath().equals(Paths.get("target", "classes").toAbsolutePath()))
				entries.add(e);
		final Path report = work.resolve("report.txt");
		final String architecture = Paths.get(MacroRecordingRun.class.getResource("/configs/tiny-train/config.json")
			.toURI()).toString();
		final List<String> cmd = List.of("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", Paths.get(System
			.getProperty("java.home"), "bin", "java").toString(), "-Dplugins.dir=" + pluginsDir,
			"-Dai.djl.offline=true",
			// the test JVMs' fixed libtorch thread count (pom.xml): with another, the replayed floats differ in the last bits
			"-Dscoresde.threads=" + System.getProperty("scoresde.threads", "2"), "-Dmacros.only=" + System.getProperty(
				"macros.only", ""), "-cp", String.join(File.pathSeparator, entries), MacroRecordingCheck.class.getName(),
			Paths.get(folder).toAbsolutePath().toString(), report.toString(), Fixtures.dir("ncsnpp-tiny").resolve(
				"pipeline").toString(), architecture, work.resolve("trained").toString());
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("gui.log")
			.toFile()).start();
		assertTrue(p.waitFor(1200, TimeUnit.SECONDS), "the recording finished");
		final String text = Files.exists(report) ? Files.readString(report) : "(no report) " + Files.readString(work
			.resolve("gui.log"));
		System.out.println(text);
		assertEquals(0, p.exitValue(), text);
	}
}
