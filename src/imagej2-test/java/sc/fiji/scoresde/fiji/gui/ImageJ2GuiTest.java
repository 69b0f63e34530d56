package sc.fiji.scoresde.fiji.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (b) and (c) of issue 15 in a real ImageJ 1 window driven by imagej-legacy, in a JVM of its own under xvfb-run
 * (which this profile requires: it fails rather than skips without it).
 */
class ImageJ2GuiTest {

	@Test
	void readmeLineAndRecordedLineInImageJ2(@TempDir final Path work) throws Exception {
		assertTrue(RecorderReplayTest.hasXvfb(), "the ImageJ2 GUI test needs xvfb-run (apt-get install xvfb xauth)");
		final Path report = work.resolve("report.txt");
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final Process p = new ProcessBuilder(List.of("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", Paths.get(System
			.getProperty("java.home"), "bin", "java").toString(), "--add-opens=java.base/java.lang=ALL-UNNAMED",
			"-Dai.djl.offline=true", "-cp", cp, ImageJ2GuiCheck.class.getName(), report.toString()))
				.redirectErrorStream(true).redirectOutput(work.resolve("gui.log").toFile()).start();
		if (!p.waitFor(300, TimeUnit.SECONDS)) {
			p.descendants().forEach(ProcessHandle::destroyForcibly);
			p.destroyForcibly();
			throw new AssertionError("the GUI run did not finish in 300 s: " + (Files.exists(work.resolve("gui.log"))
				? new String(Files.readAllBytes(work.resolve("gui.log")), StandardCharsets.UTF_8) : "(no log)"));
		}
		final String text = Files.exists(report) ? new String(Files.readAllBytes(report), StandardCharsets.UTF_8)
			: "(no report) " + new String(Files.readAllBytes(work.resolve("gui.log")), StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), text);
		assertTrue(text.contains("ui: net.imagej.legacy.ui.LegacyUI"), "Fiji's legacy UI: " + text);
		assertTrue(text.contains("menu entry: sc.fiji.scoresde.fiji.GenerateVePlugIn"), text);
		assertTrue(text.contains("readme: Score SDE VE seed=0|32x32x1x1x1|24|window=true"), text);
		assertTrue(text.contains("menu: Score SDE > Generate (VE)..."), text);
		assertTrue(text.contains("recorded lines: 1"), "one recorded line per run: " + text);
		final Matcher m = Pattern.compile("recorded: run\\(\"Generate \\(VE\\)\\.\\.\\.\", \"model=\\S+ .*" +
			"images=2 steps=4 seed=(\\d+) ").matcher(text);
		assertTrue(m.find(), "the recorded line names the options and the seed used: " + text);
		assertTrue(text.contains("identical: true"), text);
		assertTrue(text.contains("script output: DefaultDataset"), text);
		assertTrue(Pattern.compile("script window: Score SDE VE seed=\\d+\\|32x32x1x2x1\\|24").matcher(text).find(),
			"a script's Dataset (X, Y, Channel, Z) shows as the same RGB stack as the menu entry's image: " + text);
		assertTrue(text.contains("script identical: true"), text);
	}
}
