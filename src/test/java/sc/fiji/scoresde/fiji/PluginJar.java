package sc.fiji.scoresde.fiji;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Builds Score_SDE_VE.jar from target/classes, as the package phase would, for tests that install the plugin. */
final class PluginJar {

	static final Path CLASSES = Paths.get("target", "classes").toAbsolutePath();

	private PluginJar() {}

	static Path build(final Path pluginsFolder) throws IOException {
		Files.createDirectories(pluginsFolder);
		final Path jar = pluginsFolder.resolve("Score_SDE_VE.jar");
		try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
			Stream<Path> files = Files.walk(CLASSES))
		{
			for (final Path p : (Iterable<Path>) files::iterator) {
				if (Files.isDirectory(p)) continue;
				j.putNextEntry(new JarEntry(CLASSES.relativize(p).toString().replace('\\', '/')));
				Files.copy(p, j);
				j.closeEntry();
			}
		}
		return jar;
	}
}
