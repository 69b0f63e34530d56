package sc.fiji.scoresde.bench;

// The "before" of EngineThreadBench: the same paths (a), (b), (c) against the build of commit 2d847fe (before the
// engine thread; the shared runtime was then in generate/). Compile and run it as benchmarks/baseline/README.md says.

import ai.djl.Device;

import java.io.File;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import net.imagej.patcher.LegacyEnvironment;

import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.generate.DefaultModel;
import sc.fiji.scoresde.generate.GeneratedImages;
import sc.fiji.scoresde.generate.LoadedModel;

/**
 * Issue 25 item 3: the same generation of the bundled 28² model (batch 8, seed 1) timed in one JVM (a) on the main
 * thread, (b) on a second thread started after (a)'s thread used libtorch and while it is alive, (c) through the
 * ImageJ 1 menu entry "Generate (VE)..." run by a macro in a headless ImageJ 1; prints (b)/(a) and (c)/(a) as speed
 * ratios and asserts equal pixels on every path.
 *
 * <p>Before the engine thread: (a) and (b) call the service on their own threads; (c) runs whatever
 * the menu entry does. {@code --mode direct}: (a) and (b) call the service on their own threads (the code before
 * the engine thread), no (c). Run the two modes in separate JVMs: a direct call on main gives main an OpenMP team
 * that would slow the engine thread down in turn. Options: {@code --steps N} (default 20).
 *
 * <p>Everything runs inside the headless ImageJ 1's class loader (ij1-patcher loads this class path again there),
 * so that DJL's natives load once. Class path: the plugin's target/classes, target/dependency/*, this class.
 */
public final class EngineThreadBenchBefore {

	private EngineThreadBenchBefore() {}

	public static void main(final String[] args) throws Exception {
		String mode = "engine";
		int steps = 20;
		for (int i = 0; i < args.length; i++) {
			if (args[i].equals("--mode")) mode = args[++i];
			else if (args[i].equals("--steps")) steps = Integer.parseInt(args[++i]);
			else throw new IllegalArgumentException("unknown argument " + args[i] + " (expected --mode engine|direct," +
				" --steps N)");
		}
		final LegacyEnvironment ij1 = new LegacyEnvironment(null, true);
		final List<File> plugin = new ArrayList<>();
		for (final String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
			final String name = new File(e).getName();
			if (!e.isEmpty() && !name.startsWith("ij-") && !name.startsWith("ij1-patcher")) plugin.add(new File(e));
		}
		ij1.addPluginClasspath(plugin.toArray(new File[0]));
		ij1.runMacro("", ""); // starts ImageJ 1, whose plugin class loader holds the plugin (and this class) again
		final ClassLoader inside = (ClassLoader) ij1.getClassLoader().loadClass("ij.IJ").getMethod("getClassLoader")
			.invoke(null);
		Thread.currentThread().setContextClassLoader(inside);
		final Class<?> self = inside.loadClass(EngineThreadBenchBefore.class.getName());
		final Method run = self.getMethod("run", String.class, int.class, Consumer.class);
		System.out.printf(Locale.ROOT, "# EngineThreadBench mode %s, bundled 28² model, batch 8, %d steps, seed 1, " +
			"load average %s%n", mode, steps, loadAverage());
		run.invoke(null, mode, steps, (Consumer<String>) macro -> ij1.runMacro(macro, ""));
		System.out.printf(Locale.ROOT, "# load average at the end %s%n", loadAverage());
		System.exit(0);
	}

	/** Runs inside the ImageJ 1 plugin class loader; {@code ij1} runs a macro there. */
	public static void run(final String mode, final int steps, final Consumer<String> ij1) throws Exception {
		final boolean engine = true; // (c) runs; (a), (b) call the service on their own threads
		final Path folder = DefaultModel.extract();
		final LoadedModel model = onPath(engine, () -> LoadedModel.load(folder, Device.cpu(), line -> {}));
		final GenerationRequest warm = request(1);
		onPath(engine, () -> GenerationService.generate(model, warm, new GenerationService.Hooks()));

		final Map<String, Double> seconds = new LinkedHashMap<>();
		final Map<String, float[]> pixels = new LinkedHashMap<>();
		final GenerationRequest request = request(steps);
		time("(a) main thread", engine, model, request, seconds, pixels);
		final Exception[] failure = new Exception[1];
		final Thread second = new Thread(() -> {
			try {
				time("(b) second thread", engine, model, request, seconds, pixels);
			}
			catch (final Exception e) {
				failure[0] = e;
			}
		}, "bench-second");
		second.start();
		second.join();
		if (failure[0] != null) throw failure[0];
		if (engine) macro(ij1, folder, steps, seconds, pixels);

		final double a = seconds.get("(a) main thread");
		System.out.println("| path | seconds | speed vs (a) | pixels equal (a) |");
		System.out.println("|---|---|---|---|");
		final float[] reference = pixels.get("(a) main thread");
		for (final String path : seconds.keySet()) {
			final float[] p = pixels.get(path);
			System.out.printf(Locale.ROOT, "| %s | %.2f | %.3f | %s |%n", path, seconds.get(path), a / seconds.get(
				path), java.util.Arrays.equals(reference, p) ? "yes" : "NO (max diff " + maxDiff(reference, p) + ")");
		}
		for (final String path : seconds.keySet())
			if (!java.util.Arrays.equals(reference, pixels.get(path))) throw new AssertionError(path +
				" made other pixels than (a) with the same seed");
		System.out.println("# libtorch's default thread count (this build has no policy)");
	}

	private static GenerationRequest request(final int steps) {
		final GenerationRequest r = new GenerationRequest();
		r.batch = 8;
		r.steps = steps;
		r.seed = 1L;
		return r;
	}

	private static <T> T onPath(final boolean engine, final Callable<T> job) throws Exception {
		return job.call(); // no engine thread in this build
	}

	private static void time(final String path, final boolean engine, final LoadedModel model,
		final GenerationRequest request, final Map<String, Double> seconds, final Map<String, float[]> pixels)
		throws Exception
	{
		final long t0 = System.nanoTime();
		final GeneratedImages images = onPath(engine, () -> GenerationService.generate(model, request,
			new GenerationService.Hooks()));
		seconds.put(path, (System.nanoTime() - t0) / 1e9);
		pixels.put(path, images.nhwc.clone());
	}

	/** (c): the macro line users record, float output saved as TIFF and read back (grey, so NHWC order is XY order). */
	private static void macro(final Consumer<String> ij1, final Path folder, final int steps,
		final Map<String, Double> seconds, final Map<String, float[]> pixels) throws Exception
	{
		final Path out = Files.createTempFile("engine-bench", ".tif");
		out.toFile().deleteOnExit();
		final String line = "run(\"Generate (VE)...\", \"model=[" + folder + "] images=8 steps=%d seed=1 " +
			"device=cpu output=[float [0,1]]\");\nsaveAs(\"Tiff\", \"" + out + "\");\nclose();";
		ij1.accept(String.format(Locale.ROOT, line, 1)); // the SciJava context and the bridge start here
		final long t0 = System.nanoTime();
		ij1.accept(String.format(Locale.ROOT, line, steps));
		seconds.put("(c) ImageJ 1 menu entry (macro)", (System.nanoTime() - t0) / 1e9);
		final ij.ImagePlus imp = ij.IJ.openImage(out.toString());
		final int n = imp.getStackSize(), w = imp.getWidth(), h = imp.getHeight();
		final float[] all = new float[n * w * h];
		for (int i = 0; i < n; i++) {
			final float[] plane = (float[]) imp.getStack().getProcessor(i + 1).convertToFloat().getPixels();
			System.arraycopy(plane, 0, all, i * w * h, w * h);
		}
		pixels.put("(c) ImageJ 1 menu entry (macro)", all);
	}

	private static double maxDiff(final float[] a, final float[] b) {
		if (a.length != b.length) return Double.NaN;
		double m = 0;
		for (int i = 0; i < a.length; i++)
			m = Math.max(m, Math.abs(a[i] - b[i]));
		return m;
	}

	static String loadAverage() {
		try {
			return new String(Files.readAllBytes(java.nio.file.Paths.get("/proc/loadavg"))).trim();
		}
		catch (final java.io.IOException e) {
			return "unknown";
		}
	}
}
