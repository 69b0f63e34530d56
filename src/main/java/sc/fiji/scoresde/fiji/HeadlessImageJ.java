package sc.fiji.scoresde.fiji;

import java.io.File;
import java.io.IOException;
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
		ij1.runMacro(new String(Files.readAllBytes(macro), StandardCharsets.UTF_8), args.length > 1 ? args[1] : "");
		System.exit(0);
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
