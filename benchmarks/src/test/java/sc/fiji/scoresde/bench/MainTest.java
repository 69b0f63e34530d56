package sc.fiji.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class MainTest {

	private static final String[] COMMANDS = { "bench", "bench-samplers", "bench-quality", "bench-inpainting",
		"bench-restore", "figure-restore", "bench-memory", "bench-release", "bench-scaling" };

	@Test
	void helpListsEveryBenchmarkUnderItsFormerName() {
		final BenchRun r = BenchRun.of("help");
		assertEquals(0, r.code, r.err);
		for (final String c : COMMANDS)
			assertTrue(r.out.matches("(?s).*\\n  " + c + " .*"), c + " missing from:\n" + r.out);
	}

	@Test
	void thePluginsHelpListsNoBenchmark() {
		final StringWriter out = new StringWriter();
		assertEquals(0, sc.fiji.scoresde.cli.Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(),
			true), "help"));
		assertTrue(out.toString().contains("generate"), out.toString());
		for (final String c : COMMANDS)
			assertFalse(out.toString().matches("(?s).*\\n  " + c + " .*"), c + " still in score-sde help:\n" + out);
	}

	@Test
	void anUnknownOptionIsAUsageErrorOfOneLine() {
		final BenchRun r = BenchRun.of("bench-samplers", "--no-such-option");
		assertEquals(2, r.code);
		assertTrue(r.err.startsWith("score-sde-bench: Unknown option: '--no-such-option'"), r.err);
		assertFalse(r.err.contains("\tat "), r.err);
	}
}
