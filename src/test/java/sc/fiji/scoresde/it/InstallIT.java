package sc.fiji.scoresde.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.Readme;

/**
 * After {@code package}: the README's install command and its headless ImageJ 1 command line, run as written
 * (placeholders replaced by temporary folders and the tiny fixture model).
 */
class InstallIT {

	static String run(final Path dir, final List<String> cmd) throws Exception {
		final Process p = new ProcessBuilder(cmd).directory(new File(".").getAbsoluteFile()).redirectErrorStream(true)
			.start();
		final byte[] out = p.getInputStream().readAllBytes();
		assertTrue(p.waitFor(300, TimeUnit.SECONDS));
		final String text = new String(out, StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + text);
		return text;
	}

	static List<String> readme(final String prefix, final Path fiji, final Path imagej, final Path cwd)
		throws Exception
	{
		final List<String> out = new ArrayList<>();
		for (final String w : Readme.words(Readme.line(prefix)))
			out.add(w.replace(Readme.FIJI, fiji.toString()).replace(Readme.IMAGEJ, imagej.toString()).replace(
				Readme.MODEL, Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString()).replace("steps=2000",
					"steps=3").replace("out=stack.tif", "out=" + cwd.resolve("stack.tif")));
		return out;
	}

	@Test
	void installIntoFijiPutsThePluginAndDjlInPlace(@TempDir final Path dir) throws Exception {
		final Path fiji = dir.resolve("Fiji.app");
		Files.createDirectories(fiji.resolve("jars"));
		Files.createDirectories(fiji.resolve("plugins"));
		run(dir, readme("bin/install-into-fiji " + Readme.FIJI, fiji, dir, dir));
		final Path jar = fiji.resolve("plugins/Score_SDE_VE.jar");
		try (JarFile j = new JarFile(jar.toFile())) {
			assertNotNull(j.getEntry("plugins.config"), "plugins.config at the jar root");
			assertNotNull(j.getEntry("META-INF/json/org.scijava.plugin.Plugin"), "SciJava plugin index");
		}
		for (final String dep : new String[] { "api-0.36.0.jar", "pytorch-engine-0.36.0.jar",
			"pytorch-jni-2.7.1-0.36.0.jar", "pytorch-native-cpu-2.7.1-linux-x86_64.jar" })
			assertTrue(Files.exists(fiji.resolve("jars").resolve(dep)), dep);
		assertTrue(!Files.exists(fiji.resolve("jars/ij-1.54p.jar")), "Fiji's own ImageJ 1 is left alone");
	}

	@Test
	void headlessImageJ1CommandFromTheReadmeWritesTheStack(@TempDir final Path dir) throws Exception {
		final Path imagej = dir.resolve("ImageJ");
		Files.createDirectories(imagej);
		final Path ijJar = Paths.get(ij.IJ.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Files.copy(ijJar, imagej.resolve("ij.jar"));
		// the README's install command, given the ImageJ 1 folder instead of Fiji.app
		run(dir, readme("bin/install-into-fiji " + Readme.FIJI, imagej, imagej, dir));
		assertTrue(Files.exists(imagej.resolve("plugins/jars/pytorch-engine-0.36.0.jar")));
		final List<String> cmd = readme("java --add-opens", dir, imagej, dir);
		cmd.set(0, Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		final String log = run(dir, cmd);
		final ImagePlus imp = IJ.openImage(dir.resolve("stack.tif").toString());
		assertNotNull(imp, "stack.tif written; log:\n" + log);
		assertEquals(4, imp.getStackSize(), "headless_batch.ijm makes 4 images by default");
		assertEquals(32, imp.getWidth());
	}
}
