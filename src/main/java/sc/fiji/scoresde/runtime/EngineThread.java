package sc.fiji.scoresde.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread of the process that calls libtorch. A libtorch call on a Java thread started while another thread
 * that used libtorch is still alive runs at about one-thread speed (README 'Performance'); Fiji runs every command on a
 * new pool thread, so every libtorch call goes through here and the process has one such thread for its lifetime.
 *
 * <p>Before each job the thread's libtorch settings are made (thread count, no autograd recording: see
 * {@link ThreadPolicy}); both are per thread in libtorch.
 *
 * <p>Work submitted from the engine thread itself runs inline (a job may call other jobs). A caller interrupted while
 * waiting leaves the job running: jobs stop through their own cancel check (one network call at most), not through
 * interruption, which libtorch calls do not observe.
 */
public final class EngineThread {

	private static final ExecutorService ENGINE = Executors.newSingleThreadExecutor(job -> {
		final Thread t = new Thread(job, "score-sde-engine");
		t.setDaemon(true);
		engineThread = t;
		return t;
	});

	private static volatile Thread engineThread;

	private EngineThread() {}

	/** True on the engine thread. */
	public static boolean isCurrent() {
		return Thread.currentThread() == engineThread;
	}

	/**
	 * Runs the job on the engine thread and waits for it; its exceptions reach the caller as thrown. The job's context
	 * class loader is the caller's (DJL finds its engine through it inside plugin hosts).
	 */
	public static <T> T call(final Callable<T> job) throws Exception {
		if (isCurrent()) return job.call();
		final ClassLoader loader = Thread.currentThread().getContextClassLoader();
		final Future<T> future = ENGINE.submit(() -> {
			final Thread t = Thread.currentThread();
			final ClassLoader previous = t.getContextClassLoader();
			t.setContextClassLoader(loader);
			try {
				ThreadPolicy.beforeJob();
				return job.call();
			}
			finally {
				t.setContextClassLoader(previous);
			}
		});
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return future.get();
				}
				catch (final InterruptedException e) {
					interrupted = true; // the job stops through its own cancel check; wait for it to release libtorch
				}
			}
		}
		catch (final ExecutionException e) {
			final Throwable cause = e.getCause();
			if (cause instanceof Exception) throw (Exception) cause;
			if (cause instanceof Error) throw (Error) cause;
			throw e;
		}
		catch (final CancellationException e) {
			throw new IllegalStateException("the engine job was cancelled before it ran", e);
		}
		finally {
			if (interrupted) Thread.currentThread().interrupt();
		}
	}

	/** {@link #call} for jobs that throw only unchecked exceptions. */
	public static <T> T get(final java.util.function.Supplier<T> job) {
		try {
			return call(job::get);
		}
		catch (final RuntimeException e) {
			throw e;
		}
		catch (final Exception e) {
			throw new IllegalStateException(e);
		}
	}
}
