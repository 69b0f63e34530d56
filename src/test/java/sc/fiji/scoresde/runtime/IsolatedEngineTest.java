package sc.fiji.scoresde.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL started from an isolated class loader (as in a plugin host) while the thread's context class loader is some
 * other loader, with the natives' cache folder configured: the engine starts, and the natives land in that folder,
 * not in the current one. Runs in its own JVM (natives load once per JVM).
 */
@Tag("own-jvm")
class IsolatedEngineTest {

	static Set<String> listing(final Path dir) throws Exception {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	static URLClassLoader isolatedLoader() throws Exception {
		final String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		final List<URL> urls = new ArrayList<>();
		for (final String e : cp.split(File.pathSeparator))
			if (!e.isEmpty() && !e.endsWith("test-classes")) urls.add(Paths.get(e).toUri().toURL());
		return new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
	}

	@Test
	void insideAnImageJInstallationTheNativesGoIntoIt(@TempDir final Path fiji) throws Exception {
		final String engineCache = System.getProperty("ENGINE_CACHE_DIR");
		System.clearProperty("ENGINE_CACHE_DIR");
		System.setProperty("imagej.dir", fiji.toString());
		try (URLClassLoader plugin = isolatedLoader()) {
			final Object folder = plugin.loadClass(Engines.class.getName()).getMethod("cacheFolder").invoke(null);
			assertTrue(folder.toString().startsWith(fiji.resolve("lib").resolve("djl").toString()), folder.toString());
		}
		finally {
			System.clearProperty("imagej.dir");
			if (engineCache != null) System.setProperty("ENGINE_CACHE_DIR", engineCache);
		}
	}

	@Test
	void engineStartsInAPluginClassLoaderAndUnpacksIntoTheConfiguredFolder(@TempDir final Path cache)
		throws Exception
	{
		final Path cwd = Paths.get("").toAbsolutePath();
		final Set<String> before = listing(cwd);
		System.setProperty(Engines.CACHE_PROPERTY, cache.toString());
		final Thread t = Thread.currentThread();
		final ClassLoader previous = t.getContextClassLoader();
		try (URLClassLoader plugin = isolatedLoader()) {
			// a context class loader that cannot see DJL, as on a host's own threads
			t.setContextClassLoader(ClassLoader.getPlatformClassLoader());
			final Class<?> engines = plugin.loadClass(Engines.class.getName());
			assertTrue(engines.getClassLoader() == plugin, "loaded in isolation");
			final Object engine = engines.getMethod("pytorch").invoke(null);
			assertEquals("PyTorch", engine.getClass().getMethod("getEngineName").invoke(engine));
			final Object folder = engines.getMethod("cacheFolder").invoke(null);
			assertTrue(folder.toString().startsWith(cache.toString()), folder.toString());
			assertTrue(t.getContextClassLoader() == ClassLoader.getPlatformClassLoader(), "context loader restored");
		}
		finally {
			t.setContextClassLoader(previous);
			System.clearProperty(Engines.CACHE_PROPERTY);
		}
		try (Stream<Path> files = Files.walk(cache)) {
			assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("libtorch")), "libtorch unpacked into " +
				cache);
		}
		assertEquals(before, listing(cwd), "nothing written to the current folder");
	}
}
