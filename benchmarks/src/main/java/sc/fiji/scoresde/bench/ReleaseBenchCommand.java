package sc.fiji.scoresde.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.sampling.SamplingCancelledException;

/**
 * {@code score-sde bench-release}: resident memory before a run, at its peak, and after the run was cancelled
 * halfway or failed halfway, to show that both paths release what the run allocated (prints figures).
 */
@Command(name = "bench-release", mixinStandardHelpOptions = true,
	description = "Print resident memory around a cancelled run and a failed run.")
final class ReleaseBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", paramLabel = "PATH", description = "model (default: the bundled ncsnpp-tiny test model)")
	private Path model;

	@Option(names = "--batch", defaultValue = "64", description = "images per run (default: ${DEFAULT-VALUE})")
	private int batch;

	@Option(names = "--steps", defaultValue = "40", description = "steps per run (default: ${DEFAULT-VALUE})")
	private int steps;

	/** glibc's malloc_trim: hands freed heap pages back to the OS, so that RSS shows what is still allocated. */
	interface CLibrary extends com.sun.jna.Library {

		int malloc_trim(long pad);
	}

	/** RSS after a Java GC and malloc_trim (where glibc is there), i.e. memory still in use. */
	static long settledRssKb() {
		System.gc();
		try {
			com.sun.jna.Native.load("c", CLibrary.class).malloc_trim(0);
		}
		catch (final UnsatisfiedLinkError | RuntimeException e) {
			// not glibc: RSS then includes freed pages the allocator keeps
		}
		return MemoryBenchCommand.rssKb();
	}

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		try (LoadedModel loaded = LoadedModel.load(model != null ? model : DefaultModel.extractTestModel(), DeviceChoice.CPU
			.resolve(line -> {}), line -> {}))
		{
			final GenerationRequest request = new GenerationRequest();
			request.batch = batch;
			request.sampler.steps = steps;
			request.seed = 0L;
			final int total = steps * (loaded.schedulerConfig().correctSteps + 1);
			// one warm-up run so that the baseline includes libtorch's one-time allocations
			final GenerationRequest warm = new GenerationRequest();
			warm.batch = batch;
			warm.sampler.steps = 1;
			warm.seed = 0L;
			GenerationService.generate(loaded, warm, new GenerationService.Hooks());
			final long before = settledRssKb();
			final long[] peak = { 0 };

			final GenerationService.Hooks cancel = new GenerationService.Hooks();
			final AtomicInteger done = new AtomicInteger();
			cancel.progress = (d, t) -> {
				done.set(d);
				peak[0] = Math.max(peak[0], MemoryBenchCommand.rssKb());
			};
			cancel.cancelled = () -> done.get() >= total / 2;
			try {
				GenerationService.generate(loaded, request, cancel);
			}
			catch (final SamplingCancelledException e) {
				out.println("# cancelled: " + e.getMessage());
			}
			final long afterCancel = settledRssKb();

			final GenerationService.Hooks fail = new GenerationService.Hooks();
			final AtomicInteger calls = new AtomicInteger();
			final var network = loaded.scoreModel();
			fail.scoreModel = (x, sigma) -> {
				if (calls.incrementAndGet() > total / 2) throw new IllegalStateException("failure injected at call " +
					calls.get());
				peak[0] = Math.max(peak[0], MemoryBenchCommand.rssKb());
				return network.score(x, sigma);
			};
			try {
				GenerationService.generate(loaded, request, fail);
			}
			catch (final IllegalStateException e) {
				out.println("# failed: " + e.getMessage());
			}
			final long afterFailure = settledRssKb();
			out.println("# RSS measured after System.gc() and malloc_trim(0), i.e. memory still allocated");
			out.printf(Locale.ROOT, "rss-before-mb %.1f%n", before / 1024.0);
			out.printf(Locale.ROOT, "rss-peak-during-runs-mb %.1f%n", peak[0] / 1024.0);
			out.printf(Locale.ROOT, "rss-after-cancel-mb %.1f%n", afterCancel / 1024.0);
			out.printf(Locale.ROOT, "rss-after-failure-mb %.1f%n", afterFailure / 1024.0);
			out.printf(Locale.ROOT, "delta-after-cancel-mb %.1f%n", (afterCancel - before) / 1024.0);
			out.printf(Locale.ROOT, "delta-after-failure-mb %.1f%n", (afterFailure - before) / 1024.0);
		}
		out.flush();
		return 0;
	}
}
