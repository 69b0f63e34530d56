package sc.fiji.scoresde.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT/SIGTERM) for a long command: the shutdown hook asks the run to stop and holds the JVM until the run
 * has ended (at most {@link #GRACE_SECONDS}), so that a run stops at its next check and releases what it holds — a
 * generation leaves no file, a training writes its checkpoint — instead of being cut off mid-way.
 */
final class Interruption implements AutoCloseable {

	static final long GRACE_SECONDS = 120;

	private final AtomicBoolean requested = new AtomicBoolean();
	private final CountDownLatch finished = new CountDownLatch(1);
	private final Thread hook = new Thread(this::onShutdown, "score-sde interruption");

	private Interruption() {}

	static Interruption install() {
		final Interruption i = new Interruption();
		Runtime.getRuntime().addShutdownHook(i.hook);
		return i;
	}

	/** Polled by the run: true once the user interrupted. */
	boolean requested() {
		return requested.get();
	}

	private void onShutdown() {
		requested.set(true);
		try {
			finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/** The run has ended: a pending shutdown may proceed, and the hook is removed when none is. */
	@Override
	public void close() {
		finished.countDown();
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (final IllegalStateException e) {
			// the JVM is already shutting down
		}
	}
}
