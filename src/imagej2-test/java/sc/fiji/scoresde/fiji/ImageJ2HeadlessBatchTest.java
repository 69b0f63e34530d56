package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import java.nio.file.Paths;

import net.imagej.patcher.LegacyInjector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.console.ConsoleService;

import sc.fiji.scoresde.Readme;

/**
 * The README's {@code ImageJ-linux64 --headless -batch …/headless_batch.ijm "out=… model=…"} in ImageJ2 with imagej-legacy:
 * the macro's {@code run("Generate (VE)...")} must leave it an image to save. (A class of its own: {@code -batch}
 * disposes the context when the macro ends, and {@code -batch-no-exit} is used so that the JVM survives.)
 */
class ImageJ2HeadlessBatchTest {

	static {
		LegacyInjector.preinit();
	}

	@Test
	void headlessBatchMacroSavesTheStack(@TempDir final Path dir) throws Exception {
		assertTrue(GraphicsEnvironment.isHeadless());
		ImageJ2Session.installPlugin();
		final Context context = ImageJ2Session.start();
		final Path out = dir.resolve("stack.tif");
		try {
			// the README's line, with -batch-no-exit, this checkout's macro, the test model and fewer steps
			final String readme = Readme.line("./ImageJ-linux64 --headless -batch");
			final String args = readme.substring(readme.indexOf('"') + 1, readme.lastIndexOf('"')).replace(
				"out=stack.tif", "out=" + out).replace(Readme.MODEL, ImageJ2Session.tinyModel()).replace("steps=2000",
					"steps=2 images=3");
			assertTrue(args.contains("steps=2 images=3"), args);
			context.service(ConsoleService.class).processArgs("-batch-no-exit", Paths.get("macros",
				"headless_batch.ijm").toAbsolutePath().toString(), args);
		}
		finally {
			context.dispose(); // -batch-no-exit has done so already; a second call does nothing
		}
		final ImagePlus imp = IJ.openImage(out.toString());
		assertNotNull(imp, "headless_batch.ijm wrote " + out);
		assertEquals(3, imp.getStackSize());
		assertEquals(32, imp.getWidth());
		assertEquals(ImagePlus.COLOR_RGB, imp.getType());
	}
}
