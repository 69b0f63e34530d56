package sc.fiji.scoresde.fiji;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import net.imagej.patcher.LegacyEnvironment;

/**
 * Runs an ImageJ macro in a headless, patched ImageJ 1 (ij1-patcher's LegacyEnvironment) whose plugins are those of
 * the ImageJ folder this jar was installed into: a plain ImageJ 1 cannot run plugins without a display.
 * Usage: {@code java --add-opens java.base/java.lang=ALL-UNNAMED -cp "ImageJ/ij.jar:ImageJ/plugins/Score_SDE_VE.jar:
 * ImageJ/plugins/jars/*" sc.fiji.scoresde.fiji.HeadlessImageJ macro.ijm "arguments"}.
 */
public final class HeadlessImageJ {

	private HeadlessImageJ() {}

	public static void main(final String[] args) throws Exception {
		if (args.length < 1) {
			System.err.println("usage: HeadlessImageJ <macro file> [macro argument]");
			System.exit(2);
		}
		final Path macro = Paths.get(args[0]);
		if (!Files.isRegularFile(macro)) {
			System.err.println("HeadlessImageJ: macro file " + macro + " does not exist");
			System.exit(1);
		}
		final LegacyEnvironment ij1 = new LegacyEnvironment(null, true);
		ij1.addPluginClasspath(pluginJars(pluginsFolder()).toArray(new File[0]));
		final String error = run(ij1, new String(Files.readAllBytes(macro), StandardCharsets.UTF_8), args.length > 1
			? args[1] : "");
		if (error != null) {
			System.err.println("HeadlessImageJ: the macro " + macro + " stopped with an error: " + error);
			System.exit(1);
		}
		System.exit(0);
	}

	/**
	 * Runs the macro as {@link LegacyEnvironment#runMacro} does (on a thread named like ImageJ's macro threads, with
	 * the legacy class loader as context class loader), but with its own Interpreter, which tells whether the macro
	 * stopped with an error: a macro error, {@code exit("…")}, or an error dialog of a plugin (IJ.error aborts the
	 * macro). Returns the error message (or "aborted"), or null when the macro ran to its end.
	 */
	static String run(final LegacyEnvironment ij1, final String macro, final String argument) throws Exception {
		final ClassLoader loader = ij1.getClassLoader();
		final Class<?> interpreter = loader.loadClass("ij.macro.Interpreter");
		final Thread thread = Thread.currentThread();
		final String name = thread.getName();
		final ClassLoader previous = thread.getContextClassLoader();
		thread.setName("Run$_" + name);
		thread.setContextClassLoader(loader);
		try {
			final Object interp = interpreter.getConstructor().newInstance();
			boolean aborted;
			try {
				aborted = "[aborted]".equals(interpreter.getMethod("run", String.class, String.class).invoke(interp, macro,
					argument));
			}
			catch (final InvocationTargetException e) {
				// Macro.abort() ends a macro with a RuntimeException "Macro canceled"; anything else is a failure too
				final Throwable cause = e.getCause();
				if (!(cause instanceof RuntimeException) || !"Macro canceled".equals(cause.getMessage())) return String
					.valueOf(cause);
				aborted = true;
			}
			final boolean error = (Boolean) interpreter.getMethod("wasError").invoke(interp);
			if (!error && !aborted) return null;
			final Object message = interpreter.getMethod("getErrorMessage").invoke(interp);
			return message == null || message.toString().isEmpty() ? "aborted" : message.toString();
		}
		finally {
			thread.setName(name);
			thread.setContextClassLoader(previous);
		}
	}

	/** -Dplugins.dir (as ImageJ 1 reads it) or the folder holding this jar. */
	static Path pluginsFolder() throws URISyntaxException {
		final String dir = System.getProperty("plugins.dir");
		if (dir != null) {
			final Path p = Paths.get(dir);
			return p.getFileName() != null && p.getFileName().toString().equals("plugins") ? p : p.resolve("plugins");
		}
		return Paths.get(HeadlessImageJ.class.getProtectionDomain().getCodeSource().getLocation().toURI())
			.getParent();
	}

	static List<File> pluginJars(final Path plugins) throws IOException {
		final List<File> out = new ArrayList<>();
		for (final Path folder : new Path[] { plugins, plugins.resolve("jars") }) {
			if (!Files.isDirectory(folder)) continue;
			try (var files = Files.list(folder)) {
				files.filter(f -> f.toString().endsWith(".jar") && !f.getFileName().toString().startsWith("ij-")).sorted()
					.forEach(f -> out.add(f.toFile()));
			}
		}
		return out;
	}
}
