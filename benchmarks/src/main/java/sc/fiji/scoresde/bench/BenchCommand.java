package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.model.RandomWeights;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;

/**
 * {@code score-sde bench}: seconds and GFLOP/s per UNet call for (a) the google/ncsnpp-celebahq-256 architecture
 * with random weights at 256², (b) a 64² NCSN++, (c) the bundled fixture model and any --model given, next to the
 * dense matrix-multiply GFLOP/s of the same JVM and threads. The last line is {@code peak-ratio <r>} for (a).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
	description = "Time UNet calls and compare their GFLOP/s with the machine's matrix-multiply peak.")
final class BenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", paramLabel = "PATH", description = "extra models to time (real weights)")
	private List<Path> models = new ArrayList<>();

	@Option(names = "--reps", defaultValue = "3", description = "timed calls for (a); more for smaller models")
	private int reps;

	@Option(names = "--skip-a", description = "leave out the 256² architecture (slow on a CPU)")
	private boolean skipA;

	@Option(names = "--profile", description = "print where the time of each call goes")
	private boolean profile;

	@Option(names = "--batch", defaultValue = "1", description = "images per call (default: ${DEFAULT-VALUE})")
	private int batch;

	/** One timed case. */
	static final class Result {

		String name;
		int size;
		long params;
		double gflop;
		double seconds;
		Map<String, long[]> profile;
	}

	@Override
	public Integer call() throws Exception {
		final PrintWriter out = spec.commandLine().getOut();
		Engines.pytorch();
		out.printf(Locale.ROOT, "# %d cores, batch %d, float32, device cpu%n", Runtime.getRuntime()
			.availableProcessors(), batch);
		final double peak = matmulGflops();
		out.printf(Locale.ROOT, "matmul-1024 %.1f GFLOP/s%n", peak);
		final List<Result> results = new ArrayList<>();
		if (!skipA) results.add(time("(a) ncsnpp-celebahq-256 random", config("ncsnpp-celebahq-256.json"), null,
			reps));
		results.add(time("(b) ncsnpp-64 random", config("ncsnpp-64.json"), null, Math.max(reps, 5)));
		final PipelineFolder bundled = PipelineFolder.open(DefaultModel.extractTestModel(), true);
		results.add(time("(c) fixture ncsnpp-tiny", bundled.unetConfig, bundled, 20));
		for (final Path m : models) {
			final PipelineFolder f = PipelineFolder.open(m, true);
			results.add(time("(c) " + m.getFileName(), f.unetConfig, f, 10));
		}
		final double peakAfter = matmulGflops();
		out.printf(Locale.ROOT, "matmul-1024-after %.1f GFLOP/s%n", peakAfter);
		final double ref = Math.max(peak, peakAfter);
		out.printf(Locale.ROOT, "%-34s %6s %12s %10s %10s %9s %7s%n", "case", "size", "params", "GFLOP", "s/call",
			"GFLOP/s", "ratio");
		for (final Result r : results)
			out.printf(Locale.ROOT, "%-34s %6d %,12d %10.2f %10.4f %9.1f %7.3f%n", r.name, r.size, r.params, r.gflop,
				r.seconds, r.gflop / r.seconds, r.gflop / r.seconds / ref);
		if (profile) for (final Result r : results) {
			out.println("# time per call of " + r.name + " by operation (one profiled call)");
			double sum = 0;
			for (final Map.Entry<String, long[]> e : r.profile.entrySet())
				sum += e.getValue()[0];
			for (final Map.Entry<String, long[]> e : r.profile.entrySet())
				out.printf(Locale.ROOT, "#   %-10s %8.4f s %6.1f %% %6d calls%n", e.getKey(), e.getValue()[0] / 1e9, 100 *
					e.getValue()[0] / sum, e.getValue()[1]);
		}
		final Result a = results.get(0);
		out.printf(Locale.ROOT, "peak-ratio %.3f%n", skipA ? Double.NaN : a.gflop / a.seconds / ref);
		out.flush();
		return 0;
	}

	static UNet2DConfig config(final String resource) throws Exception {
		try (InputStream in = BenchCommand.class.getResourceAsStream("/sc/fiji/scoresde/bench/configs/" + resource)) {
			if (in == null) throw new IOException("missing bundled config " + resource);
			return UNet2DConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
		}
	}

	/** GFLOP/s of a 1024³ float32 matrix product (best of a few timings after warm-up). */
	static double matmulGflops() {
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH)) {
			final NDArray a = m.randomNormal(new Shape(1024, 1024));
			final NDArray b = m.randomNormal(new Shape(1024, 1024));
			double best = Double.MAX_VALUE;
			for (int round = 0; round < 4; round++) {
				try (NDManager scope = m.newSubManager()) {
					a.tempAttach(scope);
					final long t0 = System.nanoTime();
					for (int i = 0; i < 5; i++)
						a.matMul(b);
					best = Math.min(best, (System.nanoTime() - t0) / 1e9 / 5);
				}
			}
			return 2.0 * 1024 * 1024 * 1024 / best / 1e9;
		}
	}

	private Result time(final String name, final UNet2DConfig c, final PipelineFolder real, final int calls)
		throws Exception
	{
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH);
			UNet2DModel unet = new UNet2DModel(c, m.newSubManager()))
		{
			unet.loadWeights(real != null ? real.readWeights() : RandomWeights.stateDict(unet, 0), name, w -> {});
			final Result r = new Result();
			r.name = name;
			r.size = c.height();
			r.params = unet.parameterCount();
			final NDArray x = m.randomNormal(new Shape(batch, c.inChannels, c.height(), c.width())).mul(10f);
			final NDArray sigma = m.full(new Shape(batch), 10f);
			callOnce(unet, x, sigma); // warm-up
			final OpStats stats = OpStats.start(profile);
			try {
				callOnce(unet, x, sigma);
			}
			finally {
				OpStats.stop();
			}
			r.gflop = stats.flops() / 1e9;
			r.profile = stats.times();
			double best = Double.MAX_VALUE;
			for (int i = 0; i < calls; i++) {
				final long t0 = System.nanoTime();
				callOnce(unet, x, sigma);
				best = Math.min(best, (System.nanoTime() - t0) / 1e9);
			}
			r.seconds = best;
			return r;
		}
	}

	/** One network call in its own scope, its result copied to the host (as a sampler would use it). */
	static void callOnce(final UNet2DModel unet, final NDArray x, final NDArray sigma) {
		try (NDManager call = x.getManager().newSubManager()) {
			x.tempAttach(call);
			unet.forward(x, sigma, null).toFloatArray();
		}
	}
}
