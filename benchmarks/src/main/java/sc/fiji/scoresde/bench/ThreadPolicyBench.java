package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.model.RandomWeights;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.EngineThread;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ThreadPolicy;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.weights.PipelineWriter;

/**
 * Issue 28 item 1: the same generation, quiet and beside a CPU hog this benchmark starts itself ({@code cores}
 * spinning threads, stopped when the run ends and after 300 s at most), for the bundled 28² model (batch 8) and a 64²
 * NCSN++ with random weights (channels 32-64-64-64, batch 2), under three thread policies: old (libtorch's default
 * threads), one (-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1) and new
 * ({@link ThreadPolicy}'s auto). Each run is a child JVM (the settings are read at engine start); the policies'
 * order rotates from round to round so drift does not favour one. Prints a table of median seconds and the goals:
 * contended new ≥ 0.9 × contended one-thread speed, quiet new ≥ 0.95 × quiet old speed.
 *
 * <p>Options: {@code --rounds N} (default 1), {@code --steps28 N} (10), {@code --steps64 N} (5), {@code --limit S}
 * (seconds a child may run, default 240). Class path: the plugin's target/classes, target/dependency/*, this class.
 */
public final class ThreadPolicyBench {

	static final String[] POLICIES = { "old", "one", "new" };
	static final String[] CONDITIONS = { "quiet", "hog" };
	static final String[] MODELS = { "28", "64" };

	private ThreadPolicyBench() {}

	public static void main(final String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("--child")) {
			child(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
			return;
		}
		int rounds = 1, steps28 = 10, steps64 = 5, limit = 240;
		for (int i = 0; i < args.length; i++) {
			final int v = Integer.parseInt(args[i + 1]);
			switch (args[i++]) {
				case "--rounds": rounds = v; break;
				case "--steps28": steps28 = v; break;
				case "--steps64": steps64 = v; break;
				case "--limit": limit = v; break;
				default: throw new IllegalArgumentException("unknown option " + args[i - 1]);
			}
		}
		final Path ncsnpp64 = randomNcsnpp64();
		final int cores = Runtime.getRuntime().availableProcessors();
		System.out.printf(Locale.ROOT, "# ThreadPolicyBench: %d cores, %d round(s), 28²: batch 8, %d steps; 64²: batch 2," +
			" %d steps; hog = %d spinning threads; load average %s%n", cores, rounds, steps28, steps64, cores,
			EngineThreadBench.loadAverage());
		final Map<String, List<Double>> times = new LinkedHashMap<>();
		final Map<String, String> decisions = new LinkedHashMap<>();
		final Map<String, String> hashes = new LinkedHashMap<>();
		for (int r = 0; r < rounds; r++)
			for (final String model : MODELS)
				for (final String condition : CONDITIONS)
					for (int p = 0; p < POLICIES.length; p++) {
						final String policy = POLICIES[(p + r) % POLICIES.length];
						final String key = model + " " + condition + " " + policy;
						final String folder = model.equals("28") ? "bundled" : ncsnpp64.toString();
						final int steps = model.equals("28") ? steps28 : steps64;
						final int batch = model.equals("28") ? 8 : 2;
						final String[] result = runChild(policy, condition.equals("hog"), folder, steps, batch, cores,
							limit);
						times.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(result[0]));
						decisions.put(key, result[1]);
						hashes.merge(model + " " + result[2], key, (a, b) -> a + ", " + b);
						System.out.printf(Locale.ROOT, "# %s: %s s (%s; pixels %s; load %s)%n", key, result[0], result[1],
							result[2], EngineThreadBench.loadAverage());
					}
		System.out.println("| model | condition | old s | one-thread s | new s | new's choice |");
		System.out.println("|---|---|---|---|---|---|");
		for (final String model : MODELS)
			for (final String condition : CONDITIONS)
				System.out.printf(Locale.ROOT, "| %s² | %s | %.2f | %.2f | %.2f | %s |%n", model, condition, median(times,
					model, condition, "old"), median(times, model, condition, "one"), median(times, model, condition,
						"new"), decisions.get(model + " " + condition + " new"));
		for (final String model : MODELS) {
			final double contended = median(times, model, "hog", "one") / median(times, model, "hog", "new");
			final double quiet = median(times, model, "quiet", "old") / median(times, model, "quiet", "new");
			System.out.printf(Locale.ROOT, "goal %s²: contended new/one-thread speed %.3f (≥ 0.9: %s), quiet new/old " +
				"speed %.3f (≥ 0.95: %s)%n", model, contended, contended >= 0.9 ? "met" : "NOT met", quiet, quiet >= 0.95
					? "met" : "NOT met");
		}
		System.out.println("# pixel groups (float sums; runs with the same thread count agree bit for bit): " + hashes);
		System.out.printf(Locale.ROOT, "# load average at the end %s%n", EngineThreadBench.loadAverage());
	}

	private static double median(final Map<String, List<Double>> times, final String model, final String condition,
		final String policy)
	{
		final double[] t = times.get(model + " " + condition + " " + policy).stream().mapToDouble(d -> d).sorted()
			.toArray();
		return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
	}

	/** Runs one child JVM, beside a hog if asked; returns {seconds, thread decision, pixel checksum}. */
	private static String[] runChild(final String policy, final boolean hog, final String folder, final int steps,
		final int batch, final int cores, final int limit) throws Exception
	{
		final List<String> cmd = new ArrayList<>(Arrays.asList(Paths.get(System.getProperty("java.home"), "bin",
			"java").toString(), "-Xmx3g", "-Dai.djl.offline=true", "-Djava.awt.headless=true",
			"-Dorg.slf4j.simpleLogger.logFile=System.err"));
		switch (policy) {
			case "old": cmd.add("-D" + ThreadPolicy.PROPERTY + "=libtorch"); break;
			case "one": cmd.addAll(Arrays.asList("-Dai.djl.pytorch.num_threads=1",
				"-Dai.djl.pytorch.num_interop_threads=1")); break;
			default: break;
		}
		cmd.addAll(Arrays.asList("-cp", System.getProperty("java.class.path"), ThreadPolicyBench.class.getName(),
			"--child", folder, Integer.toString(steps), Integer.toString(batch)));
		final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
		pb.environment().putIfAbsent("MALLOC_MMAP_MAX_", "0"); // as bin/score-sde
		final Hog spinner = hog ? new Hog(cores, 300) : null;
		try {
			if (spinner != null) Thread.sleep(500); // the hog is running before the engine looks at the machine
			final Process child = pb.start();
			final StringBuilder out = new StringBuilder();
			final Thread reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
					StandardCharsets.UTF_8)))
				{
					for (String line; (line = in.readLine()) != null;)
						out.append(line).append('\n');
				}
				catch (final java.io.IOException e) {
					// the child ended
				}
			});
			reader.start();
			if (!child.waitFor(limit, TimeUnit.SECONDS)) {
				child.destroyForcibly();
				reader.join();
				return new String[] { Double.toString(limit), "stopped after the limit", "none" };
			}
			reader.join();
			for (final String line : out.toString().split("\n"))
				if (line.startsWith("RESULT\t")) return Arrays.copyOfRange(line.split("\t"), 1, 4);
			throw new IllegalStateException("child " + cmd + " printed no result:\n" + out);
		}
		finally {
			if (spinner != null) spinner.stop();
		}
	}

	/** In the child JVM: load, one warm-up step, the timed generation on the engine thread; prints RESULT. */
	private static void child(final String folder, final int steps, final int batch) throws Exception {
		final Path path = folder.equals("bundled") ? DefaultModel.extract() : Paths.get(folder);
		final LoadedModel model = EngineThread.call(() -> LoadedModel.load(path, Device.cpu(), line -> {}));
		final GenerationRequest request = new GenerationRequest();
		request.batch = batch;
		request.seed = 1L;
		request.sampler.steps = 1;
		EngineThread.call(() -> GenerationService.generate(model, request, new GenerationService.Hooks()));
		request.sampler.steps = steps;
		final long t0 = System.nanoTime();
		final GeneratedImages images = EngineThread.call(() -> GenerationService.generate(model, request,
			new GenerationService.Hooks()));
		final double seconds = (System.nanoTime() - t0) / 1e9;
		double sum = 0;
		for (final float v : images.nhwc)
			sum += v;
		System.out.printf(Locale.ROOT, "RESULT\t%.3f\t%s\t%.9f%n", seconds, ThreadPolicy.lastDecision(), sum);
		System.exit(0);
	}

	/** The 64² NCSN++ architecture (ncsnpp-64.json) with channels 32-64-64-64 and random weights, in a temp folder. */
	private static Path randomNcsnpp64() throws Exception {
		final String json;
		try (InputStream in = ThreadPolicyBench.class.getResourceAsStream("/sc/fiji/scoresde/bench/configs/ncsnpp-64.json")) {
			json = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("[64, 128, 128, 128]",
				"[32, 64, 64, 64]");
		}
		final UNet2DConfig config = UNet2DConfig.parse(json, "ncsnpp-64 (32-64-64-64)");
		final Path test = DefaultModel.extractTestModel();
		final Path out = Files.createTempDirectory("thread-policy-bench-64");
		out.toFile().deleteOnExit();
		EngineThread.call(() -> {
			Engines.pytorch();
			try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH);
				UNet2DModel unet = new UNet2DModel(config, m.newSubManager()))
			{
				unet.loadWeights(RandomWeights.stateDict(unet, 0), "random", w -> {});
				PipelineWriter.write(out, unet, PipelineFolder.open(test, true).schedulerConfig);
			}
			return null;
		});
		try (var files = Files.walk(out)) {
			files.forEach(f -> f.toFile().deleteOnExit());
		}
		return out;
	}

	/** Threads that spin until stopped, or until their time is up. */
	static final class Hog {

		private volatile boolean running = true;
		private final List<Thread> threads = new ArrayList<>();

		Hog(final int count, final int maxSeconds) {
			final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
			for (int i = 0; i < count; i++) {
				final Thread t = new Thread(() -> {
					long x = 0;
					while (running && System.nanoTime() < end)
						for (int k = 0; k < 100_000; k++)
							x += k ^ (x >>> 3);
					if (x == 42) System.out.print("");
				}, "cpu-hog-" + i);
				t.setDaemon(true);
				t.start();
				threads.add(t);
			}
		}

		void stop() throws InterruptedException {
			running = false;
			for (final Thread t : threads)
				t.join();
		}
	}
}
