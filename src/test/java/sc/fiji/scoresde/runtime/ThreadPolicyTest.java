package sc.fiji.scoresde.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ThreadPolicyTest {

	@Test
	void quietMachineKeepsLibtorchsDefault() {
		assertEquals(2, ThreadPolicy.threadsFor(1.95, 2));
		assertEquals(2, ThreadPolicy.threadsFor(1.8, 2));
		assertEquals(8, ThreadPolicy.threadsFor(31.0, 8));
	}

	@Test
	void busyCoresAreNotUsed() {
		assertEquals(1, ThreadPolicy.threadsFor(1.6, 2), "a core 40 % busy with other work is not free");
		assertEquals(1, ThreadPolicy.threadsFor(0.0, 2), "one thread even when nothing is idle");
		assertEquals(3, ThreadPolicy.threadsFor(3.3, 8));
	}

	@Test
	void unknownIdleTimeKeepsLibtorchsDefault() {
		assertEquals(4, ThreadPolicy.threadsFor(-1, 4));
	}

	@Test
	void procStatGivesTotalIdleAndCpuCount() {
		final long[] t = ThreadPolicy.parseStat(List.of("cpu  100 5 20 300 10 1 2 3 7 0", "cpu0 50 2 10 150 5 0 1 1 0 0",
			"cpu1 50 3 10 150 5 1 1 2 0 0", "intr 12345", "ctxt 999"));
		assertArrayEquals(new long[] { 441, 310, 2 }, t);
	}

	@Test
	void idleCoresAreWithinTheMachine() {
		final double idle = ThreadPolicy.idleCores();
		final int cpus = (int) ThreadPolicy.parseStat(readProcStat())[2];
		assertTrue(idle >= 0 && idle <= cpus + 1e-9, "idle cores " + idle + " of " + cpus);
	}

	@Test
	void badThreadSettingNamesThePropertyAndTheValue() {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadPolicy
			.fixedCount("0"));
		assertTrue(e.getMessage().contains(ThreadPolicy.PROPERTY) && e.getMessage().contains("'0'"), e.getMessage());
		assertEquals(3, ThreadPolicy.fixedCount("3"));
	}

	@Test
	void engineThreadJobsRunWithTheFixedCountAndWithoutAutograd() throws Exception {
		final String before = System.getProperty(ThreadPolicy.PROPERTY);
		System.setProperty(ThreadPolicy.PROPERTY, "1");
		try {
			final Object[] seen = EngineThread.call(() -> new Object[] { ai.djl.pytorch.jni.JniUtils.getNumThreads(),
				ai.djl.pytorch.jni.JniUtils.isGradMode() });
			assertEquals(1, seen[0]);
			assertFalse((Boolean) seen[1]);
			assertTrue(ThreadPolicy.lastDecision().contains("1 (fixed by " + ThreadPolicy.PROPERTY + ")"),
				ThreadPolicy.lastDecision());
		}
		finally {
			if (before == null) System.clearProperty(ThreadPolicy.PROPERTY);
			else System.setProperty(ThreadPolicy.PROPERTY, before);
		}
	}

	private static List<String> readProcStat() {
		try {
			return java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/stat"));
		}
		catch (final java.io.IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
