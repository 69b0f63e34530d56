package sc.fiji.scoresde.model;

import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;

/**
 * Where a benchmark may watch the network's layer operations (convolutions, linear layers, group norms, SiLU, FIR
 * resampling, attention products). Nothing is installed unless a benchmark installs a listener; then each layer
 * checks one static field and runs its operation directly, so the plugin's network carries no timing code.
 */
public final class OpHook {

	/** Watches layer operations; implementations decide per thread whether they count. */
	public interface Listener {

		/** Runs one layer operation of the given kind ("conv2d", "attention", …) and returns its result. */
		NDArray run(String kind, Supplier<NDArray> op);

		/** The floating-point operations of a layer just run, from the architecture (multiply–adds count two). */
		void flops(long count);
	}

	private static volatile Listener listener;

	private OpHook() {}

	/** Installs the one listener of this JVM, or removes it ({@code null}). */
	public static void install(final Listener l) {
		listener = l;
	}

	static boolean on() {
		return listener != null;
	}

	/** Runs {@code op} through the listener; callers check {@link #on()} first, so that nothing is made when off. */
	static NDArray run(final String kind, final Supplier<NDArray> op) {
		final Listener l = listener;
		return l == null ? op.get() : l.run(kind, op);
	}

	static void flops(final long count) {
		final Listener l = listener;
		if (l != null) l.flops(count);
	}
}
