package sc.fiji.scoresde.model;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;

/**
 * Counts, per thread and only while switched on, the floating-point operations of the network's layers (from the
 * architecture: convolutions, linear layers, attention products) and, optionally, the wall time spent per kind of
 * operation. Used by {@code score-sde bench}; off, it costs one thread-local read per layer.
 */
public final class OpStats {

	private static final ThreadLocal<OpStats> CURRENT = new ThreadLocal<>();

	private long flops;
	private final boolean timing;
	private final Map<String, long[]> times = new TreeMap<>();

	private OpStats(final boolean timing) {
		this.timing = timing;
	}

	/** Starts counting on this thread; {@code timing} also measures time per operation kind. */
	public static OpStats start(final boolean timing) {
		final OpStats s = new OpStats(timing);
		CURRENT.set(s);
		return s;
	}

	public static void stop() {
		CURRENT.remove();
	}

	public long flops() {
		return flops;
	}

	/** kind → {nanoseconds, calls} */
	public Map<String, long[]> times() {
		return times;
	}

	static void addFlops(final long n) {
		final OpStats s = CURRENT.get();
		if (s != null) s.flops += n;
	}

	/** Runs an operation, timing it under {@code kind} when timing is on. */
	static NDArray time(final String kind, final Supplier<NDArray> op) {
		final OpStats s = CURRENT.get();
		if (s == null || !s.timing) return op.get();
		final long t0 = System.nanoTime();
		final NDArray out = op.get();
		final long[] t = s.times.computeIfAbsent(kind, k -> new long[2]);
		t[0] += System.nanoTime() - t0;
		t[1]++;
		return out;
	}
}
