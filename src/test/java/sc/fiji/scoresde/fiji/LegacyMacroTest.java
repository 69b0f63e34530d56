package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import net.imagej.patcher.LegacyEnvironment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;

/**
 * ImageJ 1 macros in a headless, patched ImageJ 1 whose plugin class loader holds this plugin (as in a plain ImageJ 1
 * with the plugin in its plugins folder): the menu entry comes from plugins.config, the bridge runs the SciJava
 * command, and DJL starts inside the plugin class loader.
 */
@Tag("own-jvm")
class LegacyMacroTest {

	static LegacyEnvironment ij1;

	@BeforeAll
	static void start() throws Exception {
		ij1 = new LegacyEnvironment(null, true);
		ij1.addPluginClasspath(PluginClasspath.entries());
	}

	static String tiny() {
		return Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString();
	}

	static String macro(final String name) throws Exception {
		return new String(Files.readAllBytes(Paths.get("macros", name)), StandardCharsets.UTF_8);
	}

	@Test
	void runLineProducesTheStack(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("stack.tif");
		ij1.runMacro("run(\"Generate (VE)...\", \"model=[" + tiny() + "] steps=5 images=2 seed=1\");\n" +
			"if (getTitle() != \"Score SDE VE seed=1\") exit(\"unexpected title \" + getTitle());\n" +
			"saveAs(\"Tiff\", \"" + out + "\");", "");
		final ImagePlus imp = IJ.openImage(out.toString());
		assertNotNull(imp, "the macro saved the stack");
		assertEquals(2, imp.getStackSize());
		assertEquals(32, imp.getWidth());
		assertEquals(ImagePlus.COLOR_RGB, imp.getType());
	}

	@Test
	void readmeMacroLineRuns(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("readme.tif");
		final String line = sc.fiji.scoresde.Readme.line("run(\"Generate (VE)...\"").replace(sc.fiji.scoresde.Readme
			.MODEL, tiny()).replace("steps=2000", "steps=2");
		ij1.runMacro(line + "\nsaveAs(\"Tiff\", \"" + out + "\");", "");
		final ImagePlus imp = IJ.openImage(out.toString());
		assertNotNull(imp, "the README's macro line made an image");
		assertTrue(imp.getInfoProperty().contains("seed=0"), imp.getInfoProperty());
	}

	@Test
	void generateOneMacroRuns(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("one.tif");
		ij1.runMacro(macro("generate_one.ijm") + "\nsaveAs(\"Tiff\", \"" + out + "\");", "");
		final ImagePlus imp = IJ.openImage(out.toString());
		assertNotNull(imp);
		assertEquals(1, imp.getStackSize());
		assertTrue(imp.getTitle().startsWith("one"), imp.getTitle());
	}

	@Test
	void seedsToPngMacroSavesOneFilePerSeed(@TempDir final Path dir) throws Exception {
		ij1.runMacro(macro("seeds_to_png.ijm"), "dir=" + dir + " model=" + tiny() + " steps=3 seeds=3");
		for (int seed = 1; seed <= 3; seed++) {
			final ImagePlus imp = IJ.openImage(dir.resolve("seed-" + seed + ".png").toString());
			assertNotNull(imp, "seed-" + seed + ".png");
			assertEquals(32, imp.getWidth());
		}
		// different seeds, different images
		assertTrue(IJ.openImage(dir.resolve("seed-1.png").toString()).getProcessor().getPixel(3, 3) != IJ.openImage(
			dir.resolve("seed-2.png").toString()).getProcessor().getPixel(3, 3) || IJ.openImage(dir.resolve(
				"seed-1.png").toString()).getProcessor().getPixel(20, 9) != IJ.openImage(dir.resolve("seed-2.png")
					.toString()).getProcessor().getPixel(20, 9));
	}

	@Test
	void headlessBatchMacroWritesATiffStack(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("batch.tif");
		ij1.runMacro(macro("headless_batch.ijm"), "out=" + out + " model=" + tiny() + " images=3 steps=3 seed=7");
		final ImagePlus imp = IJ.openImage(out.toString());
		assertNotNull(imp);
		assertEquals(3, imp.getStackSize());
	}

	@Test
	void trainMacroLineTrainsOnTheOpenStack(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("model");
		final String tinyArchitecture = Paths.get(LegacyMacroTest.class.getResource("/configs/tiny-train/config.json")
			.toURI()).toString();
		final String line = sc.fiji.scoresde.Readme.line("run(\"Train Score Model (VE)...\"").replace(
			"/path/to/model-folder", out.toString()).replace("steps=10000", "steps=2").replace("architecture=small",
				"architecture=[" + tinyArchitecture + "] size=8 batch=4 device=cpu");
		ij1.runMacro("newImage(\"cells\", \"8-bit random\", 16, 16, 5);\n" + line, "");
		assertTrue(Files.isRegularFile(out.resolve("unet").resolve("diffusion_pytorch_model.safetensors")),
			"the macro trained and wrote the pipeline: " + line);
		assertTrue(Files.readString(out.resolve("unet").resolve("config.json")).contains("\"in_channels\": 1"));
	}
}
