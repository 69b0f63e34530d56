package sc.fiji.scoresde.fiji.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.ThreadPolicy;

/**
 * The menu → dialog → OK → recorded line → replay loop in a real ImageJ 1 window under Xvfb ({@code .ci/run}
 * installs Xvfb; without xvfb-run on the PATH this test is skipped). The GUI runs in its own JVM, with the test JVMs'
 * fixed libtorch thread count: under the automatic policy a busy machine (the rest of the suite) can give the first
 * run and the replay different counts, and the summation order then moves an 8-bit pixel now and then (seen once in
 * a full {@code mvn verify}; {@link ThreadPolicy} says so for users).
 */
class RecorderReplayTest {

	static boolean hasXvfb() {
		for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			if (Files.isExecutable(Paths.get(dir, "xvfb-run"))) return true;
		return false;
	}

	/** Runs {@link RecorderReplayCheck} under xvfb-run with the plugin installed in a fresh plugins folder. */
	static Process start(final Path work, final Path report, final Path shots) throws Exception {
		final Path pluginsDir = work.resolve("ImageJ");
		sc.fiji.scoresde.fiji.PluginJarAccess.build(pluginsDir.resolve("plugins"));
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final List<String> entries = new ArrayList<>();
		for (final String e : cp.split(File.pathSeparator))
			if (!e.isEmpty() && !Paths.get(e).toAbsolutePath().equals(Paths.get("target", "classes").toAbsolutePath()))
				entries.add(e);
		final List<String> cmd = new ArrayList<>(List.of("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", Paths.get(
			System.getProperty("java.home"), "bin", "java").toString(), "-Dplugins.dir=" + pluginsDir,
			"-Dai.djl.offline=true", "-D" + ThreadPolicy.PROPERTY + "=" + System.getProperty(ThreadPolicy.PROPERTY,
				"2"), "-cp", String.join(File.pathSeparator, entries), RecorderReplayCheck.class
				.getName(), Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString(), report.toString()));
		if (shots != null) cmd.add(shots.toString());
		return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("gui.log").toFile())
			.start();
	}

	@Test
	void recordedLineFromTheDialogReplaysToIdenticalPixels(@TempDir final Path work) throws Exception {
		Assumptions.assumeTrue(hasXvfb(), "xvfb-run is not installed");
		final Path report = work.resolve("report.txt");
		final Process p = start(work, report, work.resolve("shots"));
		assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the GUI run finished");
		final String text = Files.exists(report) ? new String(Files.readAllBytes(report), StandardCharsets.UTF_8)
			: "(no report) " + new String(Files.readAllBytes(work.resolve("gui.log")), StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), text);
		assertTrue(text.contains("identical: true"), text);
		final Matcher seed = Pattern.compile("seed=(\\d+)").matcher(text);
		assertTrue(seed.find(), "the recorded line holds the seed used, not -1: " + text);
		assertTrue(text.contains("images=2") && text.contains("steps=4"), text);
		final Matcher progress = Pattern.compile("status bar: \\[.*Score SDE VE: network call (\\d+)/(\\d+)")
			.matcher(text);
		assertTrue(progress.find(), "ImageJ 1's status bar showed the progress while it ran: " + text);
		assertTrue(Integer.parseInt(progress.group(2)) >= 4, "steps=4: at least 4 network calls: " + text);
		assertTrue(text.contains("result window: 32x32 at zoom 8.0"), "a 32×32 result opens at 800 %: " + text);
		assertTrue(text.contains("menu: Score SDE > Generate (VE)..."), "opened from the Plugins > Score SDE menu: " + text);
		assertTrue(Files.size(work.resolve("shots/dialog.png")) > 0 && Files.size(work.resolve(
			"shots/result-window.png")) > 0 && Files.size(work.resolve("shots/train-dialog.png")) > 0,
			"screenshots taken");
		assertTrue(text.contains("train dialog: captured"), "the Train Score Model (VE) dialog opened: " + text);
		assertTrue(text.contains("inpaint identical: true"), "the recorded Inpaint (VE) line replays: " + text);
		assertTrue(text.contains("menu: Score SDE > Inpaint (VE)..."), text);
		final Matcher inpaintSeed = Pattern.compile("inpaint recorded: .*seed=(\\d+)").matcher(text);
		assertTrue(inpaintSeed.find(), "the recorded Inpaint line holds the seed used: " + text);
	}
}
