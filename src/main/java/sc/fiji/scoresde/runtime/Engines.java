package sc.fiji.scoresde.runtime;

import ai.djl.engine.Engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts DJL's PyTorch engine. Two things matter inside plugin hosts: the thread context class loader must be this
 * plugin's class loader during the first call (else "No deep learning engine found", and that sticks for the JVM),
 * and libtorch's natives must be unpacked somewhere sensible — never the current folder.
 *
 * <p>Where the natives go (first match): the {@code scoresde.engine.cache} system property; DJL's own
 * {@code ENGINE_CACHE_DIR} / {@code DJL_CACHE_DIR} (environment or system property); inside Fiji or ImageJ,
 * {@code <installation>/lib/djl}; otherwise DJL's default {@code ~/.djl.ai} (or the temporary folder when the home
 * folder is not writable).
 *
 * <p>A CPU run prints only the plugin's own lines: DJL's loggers are set to warnings (its INFO lines are about its
 * own start-up) and its CUDA probe to errors (on a machine without CUDA it warns twice per run that the driver is
 * "insufficient"; {@link DeviceChoice} says which device was chosen and why), unless the user set those levels;
 * and libtorch's NNPACK, which this CPU build never picks for a float convolution (oneDNN takes every case NNPACK
 * would), is switched off, because on CPUs it does not support its availability check prints a warning per 1×1
 * convolution when libtorch runs one thread.
 */
public final class Engines {

	public static final String PYTORCH = "PyTorch";
	public static final String CACHE_PROPERTY = "scoresde.engine.cache";

	private static volatile String cacheChoice;
	private static volatile boolean started;

	static {
		quietLogger("ai.djl", "warn");
		quietLogger("ai.djl.util.cuda.CudaUtils", "error");
	}

	private Engines() {}

	/** slf4j-simple reads a logger's level when the logger is made: this runs before any DJL class is used here. */
	private static void quietLogger(final String name, final String level) {
		final String key = "org.slf4j.simpleLogger.log." + name;
		if (System.getProperty(key) == null) System.setProperty(key, level);
	}

	public static Engine pytorch() {
		configureCache(line -> {});
		final Thread t = Thread.currentThread();
		final ClassLoader previous = t.getContextClassLoader();
		t.setContextClassLoader(Engines.class.getClassLoader());
		try {
			final Engine engine = Engine.getEngine(PYTORCH);
			if (!started) firstStart();
			return engine;
		}
		catch (final RuntimeException | UnsatisfiedLinkError e) {
			throw new IllegalStateException("the PyTorch engine of DJL could not start (" + e.getMessage() +
				"); the CPU natives come from the pytorch-native-cpu jar, see README 'Devices'", e);
		}
		finally {
			t.setContextClassLoader(previous);
		}
	}

	private static synchronized void firstStart() {
		if (started) return;
		started = true;
		disableNnpack();
	}

	/**
	 * {@code at::globalContext().setUserEnabledNNPACK(false)}, which DJL does not offer, called through JNA on the
	 * loaded libtorch_cpu (found in /proc/self/maps; Linux only, where the warning was seen). Without the symbols
	 * nothing changes but the warning.
	 */
	private static void disableNnpack() {
		try {
			final List<String> maps = Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.UTF_8);
			String library = null;
			for (final String line : maps)
				if (line.endsWith("/libtorch_cpu.so")) library = line.substring(line.indexOf('/'));
			if (library == null) return;
			final com.sun.jna.NativeLibrary torch = com.sun.jna.NativeLibrary.getInstance(library);
			final com.sun.jna.Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(
				new Object[0]);
			torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] { context, false });
		}
		catch (final IOException | RuntimeException | LinkageError e) {
			// not Linux, or another libtorch: the warning may show, nothing else changes
		}
	}

	/** Where libtorch's natives are (to be) unpacked, as chosen before the engine's first start. */
	public static String cacheFolder() {
		configureCache(line -> {});
		return cacheChoice;
	}

	static synchronized void configureCache(final Consumer<String> log) {
		if (cacheChoice != null) return;
		final String own = System.getProperty(CACHE_PROPERTY);
		if (own != null && !own.isEmpty()) {
			System.setProperty("ENGINE_CACHE_DIR", own);
			cacheChoice = own + " (" + CACHE_PROPERTY + ")";
		}
		else if (isSet("ENGINE_CACHE_DIR") || isSet("DJL_CACHE_DIR")) {
			cacheChoice = (isSet("ENGINE_CACHE_DIR") ? get("ENGINE_CACHE_DIR") : get("DJL_CACHE_DIR")) +
				" (DJL setting)";
		}
		else {
			final Path installation = imageJInstallation();
			if (installation != null && Files.isWritable(installation)) {
				final Path dir = installation.resolve("lib").resolve("djl");
				System.setProperty("ENGINE_CACHE_DIR", dir.toString());
				cacheChoice = dir + " (inside the ImageJ installation)";
			}
			else cacheChoice = ai.djl.util.Utils.getEngineCacheDir() + " (DJL default)";
		}
		log.accept("libtorch natives: " + cacheChoice);
	}

	private static boolean isSet(final String key) {
		final String v = get(key);
		return v != null && !v.isEmpty();
	}

	private static String get(final String key) {
		final String env = System.getenv(key);
		return env != null && !env.isEmpty() ? env : System.getProperty(key);
	}

	/** Fiji sets imagej.dir; ImageJ 1 launched from its folder sets ij.dir. */
	private static Path imageJInstallation() {
		for (final String key : new String[] { "imagej.dir", "ij.dir" }) {
			final String dir = System.getProperty(key);
			if (dir != null && !dir.isEmpty() && Files.isDirectory(Paths.get(dir))) return Paths.get(dir);
		}
		return null;
	}
}
