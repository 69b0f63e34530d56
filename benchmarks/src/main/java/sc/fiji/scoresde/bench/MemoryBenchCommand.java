package sc.fiji.scoresde.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * {@code score-sde bench-memory}: a long sampling run that prints the process's resident memory as it goes, to show
 * that per-step memory is released (a benchmark, not a test: it prints figures).
 */
@Command(name = "bench-memory", mixinStandardHelpOptions = true,
	description = "Run a long generation and print resident memory (VmRSS) after the first 10 steps and at the end.")
final class MemoryBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", paramLabel = "PATH", description = "model (default: the bundled ncsnpp-tiny test model)")
	private Path model;

	@Option(names = "--steps", defaultValue = "2000", description = "predictor steps (default: ${DEFAULT-VALUE})")
	private int steps;

	@Option(names = "--batch", defaultValue = "1", description = "images (default: ${DEFAULT-VALUE})")
	private int batch;

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		final GenerationRequest request = new GenerationRequest();
		request.sampler.steps = steps;
		request.batch = batch;
		request.seed = 0L;
		final long[] baseline = { -1 };
		final long[] peak = { 0 };
		final GenerationService.Hooks hooks = new GenerationService.Hooks();
		hooks.log = line -> out.println("# " + line);
		try (LoadedModel loaded = LoadedModel.load(model != null ? model : DefaultModel.extractTestModel(), DeviceChoice.CPU
			.resolve(line -> out.println("# " + line)), line -> {}))
		{
			final int callsPerStep = loaded.schedulerConfig().correctSteps + 1;
			final int report = Math.max(1, steps * callsPerStep / 10);
			hooks.progress = (done, total) -> {
				final long rss = rssKb();
				peak[0] = Math.max(peak[0], rss);
				if (done == 10 * callsPerStep) baseline[0] = rss;
				if (done == 10 * callsPerStep || done % report == 0 || done == total) out.printf(Locale.ROOT,
					"calls %6d/%d  rss %8.1f MB%n", done, total, rss / 1024.0);
				out.flush();
			};
			GenerationService.generate(loaded, request, hooks);
		}
		final long end = rssKb();
		out.printf(Locale.ROOT, "rss-after-10-steps-mb %.1f%n", baseline[0] / 1024.0);
		out.printf(Locale.ROOT, "rss-end-mb %.1f%n", end / 1024.0);
		out.printf(Locale.ROOT, "rss-peak-mb %.1f%n", peak[0] / 1024.0);
		out.printf(Locale.ROOT, "rss-growth-mb %.1f%n", (peak[0] - baseline[0]) / 1024.0);
		out.flush();
		return 0;
	}

	/** VmRSS of this process in kB (Linux), or −1 where /proc is missing. */
	static long rssKb() {
		final Path status = Paths.get("/proc/self/status");
		try {
			for (final String line : Files.readAllLines(status, StandardCharsets.US_ASCII))
				if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
		}
		catch (final IOException | NumberFormatException e) {
			return -1;
		}
		return -1;
	}
}
