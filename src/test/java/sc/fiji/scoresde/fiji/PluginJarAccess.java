package sc.fiji.scoresde.fiji;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages build the plugin jar. */
public final class PluginJarAccess {

	private PluginJarAccess() {}

	public static Path build(final Path pluginsFolder) throws IOException {
		return PluginJar.build(pluginsFolder);
	}
}
