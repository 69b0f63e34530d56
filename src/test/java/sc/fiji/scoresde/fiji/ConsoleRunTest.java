package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.img.Img;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.console.ConsoleService;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.event.ModuleFinishedEvent;
import org.scijava.startup.StartupService;

import sc.fiji.scoresde.Fixtures;

/**
 * Fiji's {@code --headless --run "<title>" 'key=value,…'} as scijava-common's ConsoleService parses it (Fiji's
 * launcher hands its arguments to ConsoleService.processArgs, then runs the startup operations).
 */
class ConsoleRunTest {

	/** Collects the outputs of finished modules and the error log. */
	public static final class Watch {

		final List<GenerateVeCommand> finished = new ArrayList<>();
		final List<String> errors = new ArrayList<>();

		@EventHandler
		public void onFinished(final ModuleFinishedEvent e) {
			if (e.getModule() instanceof GenerateVeCommand) finished.add((GenerateVeCommand) e.getModule());
		}
	}

	static Watch run(final String... args) {
		try (Context context = new Context()) {
			final Watch watch = new Watch();
			final var subscribers = context.service(EventService.class).subscribe(watch);
			context.service(LogService.class).addLogListener(m -> {
				if (m.level() <= LogLevel.ERROR) watch.errors.add(m.text());
			});
			context.service(ConsoleService.class).processArgs(args);
			context.service(StartupService.class).executeOperations();
			context.service(EventService.class).unsubscribe(subscribers);
			return watch;
		}
	}

	static String tiny() {
		return Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString();
	}

	@Test
	void titleWithQuotedStringArgumentsRunsTheCommand() throws Exception {
		final Watch w = run("--headless", "--run", "Generate (VE)...", "model=\"" + tiny() +
			"\",steps=3,images=2,seed=5,device=\"cpu\"");
		assertEquals(List.of(), w.errors);
		assertEquals(1, w.finished.size(), "one run");
		final Img<?> img = (Img<?>) w.finished.get(0).result();
		assertNotNull(img);
		// same as the CommandService run with the same inputs
		GenerateVeCommandTest.start();
		try {
			final GenerateVeCommand direct = GenerateVeCommandTest.run(GenerateVeCommandTest.inputs());
			assertArrayEquals(GenerateVeCommandTest.bytes((Img<?>) direct.result()), GenerateVeCommandTest.bytes(img));
		}
		finally {
			GenerateVeCommandTest.stop();
		}
	}

	@Test
	void readmeHeadlessLineRuns() throws Exception {
		final List<String> words = sc.fiji.scoresde.Readme.words(sc.fiji.scoresde.Readme.line(
			"./ImageJ-linux64 --headless --run"));
		final List<String> args = new ArrayList<>();
		for (final String w : words.subList(1, words.size()))
			args.add(w.replace(sc.fiji.scoresde.Readme.MODEL, tiny()).replace("steps=2000", "steps=2"));
		final Watch w = run(args.toArray(new String[0]));
		assertEquals(List.of(), w.errors);
		assertEquals(1, w.finished.size());
		assertNotNull(w.finished.get(0).result());
	}

	@Test
	void classNameWorksToo() {
		final Watch w = run("--headless", "--run", GenerateVeCommand.class.getName(), "model=\"" + tiny() +
			"\",steps=2,seed=1");
		assertEquals(List.of(), w.errors);
		assertEquals(1, w.finished.size());
		assertNotNull(w.finished.get(0).result());
	}

	@Test
	void menuPathIsAClearError() {
		final Watch w = run("--headless", "--run", "Plugins>Score SDE>Generate (VE)...", "steps=2");
		assertEquals(0, w.finished.size(), "nothing ran");
		assertEquals(1, w.errors.size(), w.errors.toString());
		assertTrue(w.errors.get(0).contains("not the menu path") && w.errors.get(0).contains("Generate (VE)..."), w
			.errors.get(0));
	}

	@Test
	void misspelledKeyIsAClearError() {
		final Watch w = run("--headless", "--run", "Generate (VE)...", "model=\"" + tiny() + "\",stpes=2");
		assertEquals(0, w.finished.size(), "nothing ran");
		assertEquals(1, w.errors.size(), w.errors.toString());
		assertTrue(w.errors.get(0).contains("[stpes]") && w.errors.get(0).contains("steps"), w.errors.get(0));
	}

	@Test
	void badValueIsReportedNotSilent() {
		final Watch w = run("--headless", "--run", "Generate (VE)...", "model=\"" + tiny() + "\",steps=0");
		assertTrue(w.errors.stream().anyMatch(e -> e.contains("'steps' is 0")), w.errors.toString());
	}
}
