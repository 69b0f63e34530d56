package sc.fiji.scoresde.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import sc.fiji.scoresde.model.OpHook;

/**
 * Counts, per thread and only while started, the floating-point operations of the network's layers (from the
 * architecture: convolutions, linear layers, attention products) and, optionally, the wall time spent per kind of
 * operation. Used by {@code score-sde-bench bench}; it watches the network through {@link OpHook}, installed while
 * some thread counts.
 */
final class OpStats {

	private static final ThreadLocal<OpStats> CURRENT = new ThreadLocal<>();
	private static int counting;

	private static final OpHook.Listener LISTENER = new OpHook.Listener() {

		@Override
		public NDArray run(final String kind, final Supplier<NDArray> op) {
			final OpStats s = CURRENT.get();
			if (s == null || !s.timing) return op.get();
			final long t0 = System.nanoTime();
			final NDArray out = op.get();
			final long[] t = s.times.computeIfAbsent(kind, k -> new long[2]);
			t[0] += System.nanoTime() - t0;
			t[1]++;
			return out;
		}

		@Override
		public void flops(final long count) {
			final OpStats s = CURRENT.get();
			if (s != null) s.flops += count;
		}
	};

	private long flops;
	private final boolean timing;
	private final Map<String, long[]> times = new TreeMap<>();

	private OpStats(final boolean timing) {
		this.timing = timing;
	}

	/** Starts counting on this thread; {@code timing} also measures time per operation kind. */
	static OpStats start(final boolean timing) {
		final OpStats s = new OpStats(timing);
		synchronized (OpStats.class) {
			if (CURRENT.get() == null && counting++ == 0) OpHook.install(LISTENER);
		}
		CURRENT.set(s);
		return s;
	}

	/** Stops counting on this thread; the hook is removed once no thread counts. */
	static void stop() {
		synchronized (OpStats.class) {
			if (CURRENT.get() != null && --counting == 0) OpHook.install(null);
		}
		CURRENT.remove();
	}

	long flops() {
		return flops;
	}

	/** kind → {nanoseconds, calls} */
	Map<String, long[]> times() {
		return times;
	}
}
