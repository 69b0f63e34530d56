package sc.fiji.scoresde.cli;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT/SIGTERM) for a long command: the shutdown hook asks the run to stop and holds the JVM until the run
 * has ended and {@link Main} has said how (at most {@link #GRACE_SECONDS}), so that a run stops at its next check
 * and releases what it holds — a generation leaves no file, a training writes its checkpoint — instead of being cut
 * off mid-way. Runs check before every network call and before every chunk of a batch split to fit memory, so the
 * wait is one chunk at most. The JVM then exits with 128 + the signal (130 for SIGINT, 143 for SIGTERM).
 */
final class Interruption implements AutoCloseable {

	static final long GRACE_SECONDS = 120;

	/** Interrupted runs whose outcome {@link Main} has not reported yet: their hooks hold the JVM. */
	private static final Set<Interruption> UNREPORTED = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean requested = new AtomicBoolean();
	private final CountDownLatch reported = new CountDownLatch(1);
	private final Thread hook = new Thread(this::onShutdown, "score-sde interruption");
	private final PrintStream console;

	private Interruption(final PrintStream console) {
		this.console = console;
	}

	static Interruption install() {
		final Interruption i = new Interruption(System.err);
		UNREPORTED.add(i);
		Runtime.getRuntime().addShutdownHook(i.hook);
		return i;
	}

	/** Polled by the run: true once the user interrupted. */
	boolean requested() {
		return requested.get();
	}

	private void onShutdown() {
		stop();
		try {
			reported.await(GRACE_SECONDS, TimeUnit.SECONDS);
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/** What the hook does before it waits: asks the run to stop, and says so at once. */
	void stop() {
		if (requested.getAndSet(true)) return;
		console.println("score-sde: stopping at the next network call or chunk of one (at most " + GRACE_SECONDS +
			" s)");
		console.flush();
	}

	/** The run has ended: without an interruption the hook is removed; with one it waits for {@link #reported()}. */
	@Override
	public void close() {
		if (requested.get()) return;
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (final IllegalStateException e) {
			// the JVM began shutting down just now: the hook runs and waits for reported()
			return;
		}
		UNREPORTED.remove(this);
		reported.countDown();
	}

	/** Main has written the outcome of the command: a pending shutdown may proceed. */
	static void reported() {
		for (final Interruption i : UNREPORTED) {
			UNREPORTED.remove(i);
			i.reported.countDown();
		}
	}
}
