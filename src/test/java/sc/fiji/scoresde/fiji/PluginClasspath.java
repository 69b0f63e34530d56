package sc.fiji.scoresde.fiji;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** The test class path as files (surefire passes it in a property when it uses a manifest-only booter jar). */
final class PluginClasspath {

	private PluginClasspath() {}

	/** Every class path entry except ImageJ 1 itself and the patcher, which the legacy environment brings. */
	static File[] entries() {
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final List<File> out = new ArrayList<>();
		for (final String e : cp.split(File.pathSeparator)) {
			final String name = new File(e).getName();
			if (e.isEmpty() || name.startsWith("ij-") || name.startsWith("ij1-patcher") || name.startsWith(
				"surefire")) continue;
			out.add(new File(e));
		}
		return out.toArray(new File[0]);
	}
}
