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

	/** Pixels of every plane as one int array (8-bit, 16-bit, float bits or RGB). */
	static int[] planes(final ImagePlus imp) {
		final int n = imp.getStackSize(), plane = imp.getWidth() * imp.getHeight();
		final int[] out = new int[n * plane];
		for (int s = 1; s <= n; s++) {
			final ij.process.ImageProcessor ip = imp.getStack().getProcessor(s);
			for (int i = 0; i < plane; i++)
				out[(s - 1) * plane + i] = imp.getBitDepth() == 32 ? Float.floatToIntBits(ip.getf(i)) : ip.get(i);
		}
		return out;
	}

	/** A 32×32 RGB test image, saved before the macro runs and again after it, to show the input is untouched. */
	static String preamble(final Path dir) {
		return "close(\"*\");\nnewImage(\"in\", \"RGB ramp\", 32, 32, 1);\nrun(\"Add Specified Noise...\", \"standard=40\");\n" +
			"saveAs(\"Tiff\", \"" + dir.resolve("before.tif") + "\");\nrename(\"in\");\n";
	}

	static String after(final Path dir) {
		return "\nselectImage(\"in\");\nsaveAs(\"Tiff\", \"" + dir.resolve("after.tif") + "\");\n";
	}

	void assertInputUntouched(final Path dir) {
		assertTrue(java.util.Arrays.equals(planes(IJ.openImage(dir.resolve("before.tif").toString())), planes(IJ
			.openImage(dir.resolve("after.tif").toString()))), "the input image is not modified");
	}

	@Test
	void inpaintMacroRegeneratesTheSelectionOnly(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("inpainted.tif");
		ij1.runMacro(preamble(dir) + "makeRectangle(8, 8, 12, 10);\n" + macro("inpaint_selection.ijm") + "\n" +
			"if (!startsWith(getTitle(), \"inpainted\")) exit(\"unexpected title \" + getTitle());" + after(dir),
			"model=" + tiny() + " steps=3 seed=2 out=" + out);
		final ImagePlus in = IJ.openImage(dir.resolve("before.tif").toString());
		final ImagePlus res = IJ.openImage(out.toString());
		assertNotNull(res, "the macro saved the result");
		assertEquals(ImagePlus.COLOR_RGB, res.getType());
		assertTrue(res.getInfoProperty().contains("seed=2"), res.getInfoProperty());
		int changed = 0;
		for (int y = 0; y < 32; y++)
			for (int x = 0; x < 32; x++) {
				final boolean inside = x >= 8 && x < 20 && y >= 8 && y < 18;
				final int a = in.getProcessor().get(x, y), b = res.getProcessor().get(x, y);
				if (!inside) assertEquals(a, b, "known pixel " + x + "," + y);
				else if (a != b) changed++;
			}
		assertTrue(changed > 60, "the selection was regenerated: " + changed);
		assertInputUntouched(dir);
	}

	@Test
	void inpaintWithAMaskImageAndWithoutASelection(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("masked.tif");
		final Path report = dir.resolve("report.txt");
		// a mask image chosen in the dialog equals the same selection; with no selection nothing is made
		ij1.runMacro(preamble(dir) + "newImage(\"m\", \"8-bit black\", 32, 32, 1);\nsetColor(255);\n" +
			"fillRect(8, 8, 12, 10);\nselectImage(\"in\");\nrun(\"Select None\");\n" +
			"run(\"Inpaint (VE)...\", \"model=[" + tiny() + "] mask=m sampler=pc steps=3 seed=2 samples=1 " +
			"device=cpu output=[RGB (8-bit)] resample=3\");\nsaveAs(\"Tiff\", \"" + out + "\");\n" +
			"selectImage(\"in\");\nmakeRectangle(8, 8, 12, 10);\nrun(\"Inpaint (VE)...\", \"model=[" + tiny() +
			"] mask=selection steps=3 seed=2\");\nsaveAs(\"Tiff\", \"" + dir.resolve("sel.tif") + "\");\n" +
			"selectImage(\"in\");\nrun(\"Select None\");\nbefore = nImages;\nrun(\"Inpaint (VE)...\", \"model=[" + tiny() +
			"] mask=selection steps=3 seed=2\");\nFile.saveString(\"\" + (nImages - before), \"" + report + "\");", "");
		final ImagePlus viaMask = IJ.openImage(out.toString());
		assertNotNull(viaMask, "mask image run saved");
		assertTrue(java.util.Arrays.equals(planes(viaMask), planes(IJ.openImage(dir.resolve("sel.tif").toString()))),
			"mask image = the same selection");
		if (Files.exists(report)) assertEquals("0", Files.readString(report).trim(), "no selection: no new image");
	}

	@Test
	void colorizeMacroColoursWithAnRgbModel(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("colour.tif");
		ij1.runMacro(preamble(dir) + macro("colorize.ijm") + after(dir), "model=" + tiny() +
			" steps=3 samples=2 out=" + out);
		final ImagePlus res = IJ.openImage(out.toString());
		assertNotNull(res, "the macro saved the result");
		assertEquals(2, res.getStackSize(), "two samples");
		assertEquals(ImagePlus.COLOR_RGB, res.getType());
		assertInputUntouched(dir);
	}

	@Test
	void denoiseMacroGivesTheFloatPosteriorMean(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("denoised.tif");
		ij1.runMacro(preamble(dir) + macro("denoise.ijm") + after(dir), "model=" + tiny() + " sigma=0.1 out=" + out);
		final ImagePlus res = IJ.openImage(out.toString());
		assertNotNull(res, "the macro saved the result");
		assertEquals(32, res.getBitDepth(), "float output");
		assertEquals(3, res.getNChannels(), "RGB model: 3 channels");
		assertEquals(1, res.getNFrames(), "samples=0: one posterior mean");
		assertInputUntouched(dir);
	}

	@Test
	void guidedSynthesisMacroMakesOneResultPerSample(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("edited.tif");
		ij1.runMacro(preamble(dir) + macro("guided_synthesis.ijm") + after(dir), "model=" + tiny() +
			" steps=3 samples=3 strength=0.4 out=" + out);
		final ImagePlus res = IJ.openImage(out.toString());
		assertNotNull(res, "the macro saved the result");
		assertEquals(3, res.getStackSize());
		assertInputUntouched(dir);
	}

	/** The pixels of one plane (1-based stack index) as floats. */
	static float[] floats(final ImagePlus imp, final int index) {
		return (float[]) imp.getStack().getProcessor(index).convertToFloat().getPixels();
	}

	@Test
	void upscaleUncertaintyMacroGivesMeanStdAndSamples(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("sr.tif"), mean = dir.resolve("mean.tif"), std = dir.resolve("std.tif"), small =
			dir.resolve("small.tif");
		ij1.runMacro("close(\"*\");\n" + macro("upscale_uncertainty.ijm") + "\nselectImage(\"mean\");\nsaveAs(\"Tiff\", \"" +
			mean + "\");\nselectImage(\"std\");\nsaveAs(\"Tiff\", \"" + std + "\");\nselectImage(\"shirt.png 2x smaller\");" +
			"\nsaveAs(\"Tiff\", \"" + small + "\");\n", "image=" + Paths.get("examples", "shirt.png").toAbsolutePath() +
				" particles=4 steps=10 samples=2 seed=3 out=" + out);
		final ImagePlus res = IJ.openImage(out.toString());
		assertNotNull(res, "the macro saved the result");
		assertEquals("28x28x4 32-bit", RecordedMacros.shape(res));
		final String[] labels = { "mean", "std", "sample 1", "sample 2" };
		for (int i = 1; i <= 4; i++)
			assertEquals(labels[i - 1], res.getStack().getSliceLabel(i), "slice " + i);
		assertTrue(res.getInfoProperty().contains("seed=3"), res.getInfoProperty());
		assertTrue(java.util.Arrays.equals(floats(res, 1), floats(IJ.openImage(mean.toString()), 1)), "the mean window");
		final float[] sd = floats(IJ.openImage(std.toString()), 1);
		assertTrue(java.util.Arrays.equals(floats(res, 2), sd), "the std window");
		double spread = 0;
		for (final float v : sd) {
			assertTrue(v >= 0, "a standard deviation is >= 0: " + v);
			spread += v;
		}
		assertTrue(spread > 0, "the samples differ somewhere");
		final ImagePlus in = IJ.openImage(small.toString());
		assertEquals("14x14x1 32-bit", RecordedMacros.shape(in), "the macro shrank the image 2x");
		final float[] sample = floats(res, 3), known = floats(in, 1);
		int unclamped = 0;
		for (int y = 0; y < 14; y++)
			for (int x = 0; x < 14; x++) {
				final float[] block = { sample[2 * y * 28 + 2 * x], sample[2 * y * 28 + 2 * x + 1], sample[(2 * y + 1) *
					28 + 2 * x], sample[(2 * y + 1) * 28 + 2 * x + 1] };
				boolean inside = true;
				for (final float v : block)
					inside &= v > 0 && v < 1;
				if (!inside) continue;
				unclamped++;
				assertEquals(known[y * 14 + x], (block[0] + block[1] + block[2] + block[3]) / 4, 1e-4, "block " + x + "," +
					y + " of sample 1 averages to the shrunk image's pixel");
			}
		assertTrue(unclamped > 14 * 14 / 2, "blocks with no pixel clamped to [0, 1]: " + unclamped);
	}

	@Test
	void upscaleOfAnRgbModelIsAChannelsBySlicesHyperstackAtHalfThePixelSize(@TempDir final Path dir)
		throws Exception
	{
		final Path out = dir.resolve("rgb.tif");
		ij1.runMacro("close(\"*\");\nnewImage(\"in\", \"RGB ramp\", 16, 16, 1);\n" +
			"run(\"Properties...\", \"unit=mm pixel_width=2 pixel_height=2\");\n" +
			"run(\"Super-resolution (VE)...\", \"model=[" + tiny() + "] steps=3 seed=2 samples=2 particles=4 " +
			"uncertainty\");\nsaveAs(\"Tiff\", \"" + out + "\");", "");
		final ImagePlus res = IJ.openImage(out.toString());
		assertNotNull(res, "the line made an image");
		assertEquals(32, res.getBitDepth());
		assertEquals(java.util.List.of(32, 32, 3, 4, 1), java.util.List.of(res.getWidth(), res.getHeight(), res
			.getNChannels(), res.getNSlices(), res.getNFrames()), "X, Y, channels, mean | std | 2 samples, frames");
		final String[] labels = { "mean", "std", "sample 1", "sample 2" };
		for (int z = 1; z <= 4; z++)
			for (int c = 1; c <= 3; c++)
				assertEquals(labels[z - 1], res.getStack().getSliceLabel(res.getStackIndex(c, z, 1)), "c " + c + ", z " + z);
		assertEquals(1.0, res.getCalibration().pixelWidth, 1e-12, "2 mm pixels made 2x smaller");
		assertEquals("mm", res.getCalibration().getUnit());
	}

	/** The open images, as a macro counts them. */
	static int openImages(final Path dir) throws Exception {
		final Path count = dir.resolve("count.txt");
		ij1.runMacro("File.saveString(\"\" + nImages, \"" + count + "\");", "");
		return Integer.parseInt(Files.readString(count).trim());
	}

	@Test
	void badSuperResolutionInputIsOneSentenceAndOpensNothing(@TempDir final Path dir) throws Exception {
		final String grey14 = "close(\"*\");\nnewImage(\"in\", \"8-bit ramp\", 14, 14, 1);";
		final String[][] cases = { //
			{ "close(\"*\");\nnewImage(\"in\", \"8-bit ramp\", 28, 28, 1);", "steps=3",
				"give a 14×14 image for factor 2" },
			{ grey14, "steps=3 particles=4 noise=-0.1", "Super-resolution (VE): option 'noise' is -0.1; expected 0" },
			{ "close(\"*\");\nnewImage(\"in\", \"RGB black\", 14, 14, 1);\nsetColor(255, 0, 0);\nfillRect(2, 2, 5, 5);",
				"steps=3", "the input image has 3 channels with different values; the model has 1" },
			{ grey14, "steps=3 samples=1 uncertainty", "Super-resolution (VE): option 'samples' is 1; expected 2 or " +
				"more with uncertainty" } };
		for (final String[] c : cases) {
			ij1.runMacro(c[0], "");
			assertEquals(1, openImages(dir), "the input is open");
			// IJ.run from this thread, not a macro's: the refusal cannot end a macro (which closes its images), so the
			// images left open are those the entry left
			final RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> ij1
				.run("Super-resolution (VE)...", "model=[] " + c[1]), "refused: " + c[2]);
			assertTrue(e.getMessage().contains(c[2]), c[2] + " in: " + e.getMessage());
			assertEquals(1, openImages(dir), "no image opened: " + c[2]);
		}
		// the same run, valid, opens its result the same way
		ij1.runMacro(grey14, "");
		ij1.run("Super-resolution (VE)...", "model=[] steps=2 particles=2 samples=2 seed=1 uncertainty");
		assertEquals(2, openImages(dir), "a valid line opens the result");
	}

	/** CSV lines of a saved Results table without its header. */
	static java.util.List<String> rows(final Path csv) throws Exception {
		final java.util.List<String> lines = Files.readAllLines(csv);
		return lines.subList(1, lines.size());
	}

	@Test
	void likelihoodMacroFillsTheResultsTableAndReplays(@TempDir final Path dir) throws Exception {
		final Path first = dir.resolve("first.csv"), again = dir.resolve("again.csv");
		final String stack = "close(\"*\");\nnewImage(\"in\", \"RGB ramp\", 32, 32, 3);\n" +
			"run(\"Add Specified Noise...\", \"standard=40 stack\");\nsaveAs(\"Tiff\", \"" + dir.resolve("before.tif") +
			"\");\nrename(\"in\");\n";
		ij1.runMacro(stack + macro("likelihood.ijm") + after(dir), "model=" + tiny() + " tolerance=1e-2 seed=4 out=" +
			first);
		final java.util.List<String> rows = rows(first);
		assertEquals(3, rows.size(), "one row per image of the stack: " + rows);
		final String header = Files.readAllLines(first).get(0);
		assertTrue(header.contains("bits/dim") && header.contains("NFE"), header);
		final int column = java.util.Arrays.asList(header.split(",")).indexOf("bits/dim");
		for (final String row : rows) {
			final double bits = Double.parseDouble(row.split(",")[column]);
			assertTrue(Double.isFinite(bits) && bits > 0, "finite bits/dim: " + row);
		}
		// the same pixels again (the noise above is new each run)
		ij1.runMacro("close(\"*\");\nopen(\"" + dir.resolve("before.tif") + "\");\nrename(\"in\");\n" + macro(
			"likelihood.ijm"),
			"model=" + tiny() + " tolerance=1e-2 seed=4 out=" + again);
		assertEquals(rows, rows(again), "the same seed replays to the same figures");
		assertInputUntouched(dir);
	}

	@Test
	void likelihoodOfAnImageOfTheWrongSizeGivesNoRows(@TempDir final Path dir) throws Exception {
		final Path report = dir.resolve("report.txt");
		ij1.runMacro("close(\"*\");\nrun(\"Clear Results\");\nnewImage(\"small\", \"8-bit random\", 28, 28, 2);\n" +
			"run(\"Log-likelihood (VE)...\", \"model=[" + tiny() + "] probes=1 seed=1 tolerance=1e-2\");", "");
		// the error may end that macro; the Results table outlives it
		ij1.runMacro("File.saveString(\"\" + nResults, \"" + report + "\");", "");
		assertEquals("0", Files.readString(report).trim(), "a 28×28 stack for a 32×32 model gives no rows");
	}

	@Test
	void interpolateMacroMakesTheFrames(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("frames.tif");
		ij1.runMacro("close(\"*\");\nnewImage(\"a\", \"RGB ramp\", 32, 32, 1);\nnewImage(\"b\", \"RGB white\", " +
			"32, 32, 1);\n" + macro("interpolate.ijm"), "frames=3 tolerance=1e-2 model=" + tiny() + " out=" + out);
		final ImagePlus res = IJ.openImage(out.toString());
		assertNotNull(res, "the macro saved the frames");
		assertEquals(3, res.getStackSize(), "three frames");
		assertEquals(ImagePlus.COLOR_RGB, res.getType());
		assertEquals(32, res.getWidth());
	}
}
