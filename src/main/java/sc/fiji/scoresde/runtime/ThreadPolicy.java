package sc.fiji.scoresde.runtime;

import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

/**
 * How many intra-op threads libtorch uses, decided on the engine thread before each job.
 *
 * <p>libtorch's OpenMP threads meet at a barrier after every operation (a few hundred per network call). When other
 * programs keep the cores busy, one of our threads is often descheduled and the other waits for it, so every
 * operation lasts a scheduler time slice: a 20-step batch-8 generation of the 28² model took 117–222 s with two
 * threads beside other work and 7–8 s with one. One thread has no barrier to wait at. So before each job the policy
 * measures how much of the machine is idle (/proc/stat over {@value #SAMPLE_MILLIS} ms) and uses that many threads,
 * at least one and at most libtorch's own default; on a quiet machine that is libtorch's default, as before.
 *
 * <p>Settings (system property {@value #PROPERTY}): {@code auto} (default; what is described above), a number (that
 * many threads, always), {@code libtorch} (leave libtorch's setting alone). {@code ai.djl.pytorch.num_threads}, when
 * given, means that number. The thread count changes the order of float sums, so images made with another count
 * differ by about 1e-6 (the same picture); pin the count for bit-identical floats across machines and loads.
 *
 * <p>The count is per OpenMP calling thread in libtorch, which is one reason why every libtorch call runs on
 * {@link EngineThread}.
 */
public final class ThreadPolicy {

	public static final String PROPERTY = "scoresde.threads";
	static final String DJL_PROPERTY = "ai.djl.pytorch.num_threads";
	static final long SAMPLE_MILLIS = 100;
	/** A core counts as free when at least this much of it is idle (wrongly using two threads costs far more than wrongly using one). */
	static final double FREE_CORE = 0.75;

	private static final Path PROC_STAT = Paths.get("/proc/stat");

	private static int libtorchDefault = -1;
	private static int applied = -1;
	private static volatile String lastDecision = "not decided yet (no job has run on the engine thread)";

	private ThreadPolicy() {}

	/** The setting in force: {@code auto}, {@code libtorch} or a fixed count. */
	static String setting() {
		final String own = System.getProperty(PROPERTY);
		if (own != null && !own.trim().isEmpty()) return own.trim().toLowerCase(Locale.ROOT);
		final String djl = System.getProperty(DJL_PROPERTY);
		return djl != null && !djl.trim().isEmpty() ? djl.trim() : "auto";
	}

	/** The last decision in words, e.g. "libtorch threads: 1 of 2 (0.3 cores idle)", for logs and benchmarks. */
	public static String lastDecision() {
		return lastDecision;
	}

	/**
	 * Sets libtorch's intra-op thread count for the job about to run on this thread (the engine thread) and turns
	 * autograd recording off (it is per thread in libtorch, and a new thread starts with it on; training opens its
	 * own gradient collector). Starts the engine if needed (every engine-thread job is a libtorch job); when it
	 * cannot start, does nothing and leaves the error to the job.
	 */
	static synchronized void beforeJob() {
		try {
			Engines.pytorch();
		}
		catch (final RuntimeException e) {
			return;
		}
		JniUtils.setGradMode(false);
		final String setting = setting();
		if (setting.equals("libtorch")) {
			lastDecision = "libtorch threads: " + JniUtils.getNumThreads() + " (libtorch's own setting)";
			return;
		}
		if (libtorchDefault < 0) libtorchDefault = Math.max(1, JniUtils.getNumThreads());
		final int threads;
		if (setting.equals("auto")) {
			final double idle = idleCores();
			threads = threadsFor(idle, libtorchDefault);
			lastDecision = String.format(Locale.ROOT, "libtorch threads: %d of %d (%s)", threads, libtorchDefault,
				idle < 0 ? "idle cores unknown" : String.format(Locale.ROOT, "%.1f cores idle", idle));
		}
		else {
			threads = fixedCount(setting);
			lastDecision = "libtorch threads: " + threads + " (fixed by " + (System.getProperty(PROPERTY) != null
				? PROPERTY : DJL_PROPERTY) + ")";
		}
		if (threads != applied) {
			JniUtils.setNumThreads(threads);
			applied = threads;
		}
	}

	/** Threads for this many idle cores: every core idle to at least {@link #FREE_CORE}, at least 1, at most max. */
	static int threadsFor(final double idleCores, final int max) {
		if (idleCores < 0) return max;
		final int free = (int) Math.floor(idleCores + 1 - FREE_CORE);
		return Math.max(1, Math.min(max, free));
	}

	static int fixedCount(final String setting) {
		try {
			final int n = Integer.parseInt(setting);
			if (n >= 1) return n;
		}
		catch (final NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException("system property " + PROPERTY + " (or " + DJL_PROPERTY + ") is '" +
			setting + "'; expected auto, libtorch or a thread count of at least 1");
	}

	/** Idle cores of this machine over the next {@value #SAMPLE_MILLIS} ms, or −1 where /proc/stat is missing. */
	static double idleCores() {
		try {
			final long[] a = cpuTimes();
			Thread.sleep(SAMPLE_MILLIS);
			final long[] b = cpuTimes();
			final long total = b[0] - a[0];
			if (total <= 0) return -1;
			return (double) (b[1] - a[1]) / total * b[2];
		}
		catch (final IOException | RuntimeException e) {
			return -1;
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/** {total jiffies, idle jiffies (idle + iowait), cpu count} from /proc/stat. */
	private static long[] cpuTimes() throws IOException {
		final List<String> lines = Files.readAllLines(PROC_STAT, StandardCharsets.US_ASCII);
		return parseStat(lines);
	}

	static long[] parseStat(final List<String> lines) {
		long total = 0, idle = 0, cpus = 0;
		for (final String line : lines) {
			if (line.startsWith("cpu ")) {
				final String[] f = line.trim().split("\\s+");
				// user nice system idle iowait irq softirq steal (guest times are already in user and nice)
				for (int i = 1; i < f.length && i <= 8; i++)
					total += Long.parseLong(f[i]);
				idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
			}
			else if (line.startsWith("cpu")) cpus++;
		}
		if (total == 0 || cpus == 0) throw new IllegalStateException("no cpu lines in /proc/stat");
		return new long[] { total, idle, cpus };
	}
}
