package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.Menus;

import java.awt.GraphicsEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.imagej.Dataset;
import net.imagej.display.ImageDisplay;
import net.imagej.display.ImageDisplayService;
import net.imagej.patcher.LegacyInjector;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.console.ConsoleService;
import org.scijava.convert.ConvertService;
import org.scijava.display.Display;
import org.scijava.display.DisplayService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;
import org.scijava.startup.StartupService;

import sc.fiji.scoresde.Readme;
import sc.fiji.scoresde.imagej.ImgConversion;

/**
 * The plugin inside a headless ImageJ2 with imagej-legacy, as {@code ImageJ-linux64 --headless} runs it: (a) the
 * command through CommandService gives a Dataset with named axes; (b) the README's macro line goes through the
 * legacy layer to the ImageJ 1 entry, which leaves the macro an image; (d) ConsoleService's
 * {@code --run} with the README's headless arguments.
 */
class ImageJ2HeadlessTest {

	static {
		LegacyInjector.preinit();
	}

	static Path app;
	static Context context;

	@BeforeAll
	static void start() throws Exception {
		assertTrue(GraphicsEnvironment.isHeadless(), "the pom runs these tests with java.awt.headless=true");
		app = ImageJ2Session.installPlugin();
		context = ImageJ2Session.start();
	}

	@AfterAll
	static void stop() {
		if (context != null) context.dispose();
	}

	static Map<String, Object> inputs(final int images, final long seed, final String output) {
		final Map<String, Object> in = new HashMap<>();
		in.put("model", ImageJ2Session.tinyModel());
		in.put("images", images);
		in.put("steps", 2);
		in.put("seed", seed);
		in.put("device", "cpu");
		in.put("output", output);
		return in;
	}

	/** Through CommandService (its ModuleService, since a DynamicCommand is its own module), with processing. */
	static GenerateVeCommand run(final Map<String, Object> inputs) throws Exception {
		final CommandService commands = context.service(CommandService.class);
		final Module m = context.service(ModuleService.class).run(commands.getCommand(GenerateVeCommand.class), true,
			inputs).get();
		return (GenerateVeCommand) m;
	}

	@Test
	void commandOutputIsAnRgbDatasetWithAxesXYChannelZ() throws Exception {
		final GenerateVeCommand command = run(inputs(2, 7, GenerateOptions.OUTPUT_RGB));
		final Object output = command.getOutput("result");
		final Dataset ds = context.service(ConvertService.class).convert(output, Dataset.class);
		assertSame(output, ds, "the output is already a Dataset");
		ImageJ2Session.assertXycz(ds, 32, 32, 3, 2);
		assertTrue(ds.firstElement() instanceof UnsignedByteType, ds.firstElement().getClass().getName());
		assertTrue(ds.isRGBMerged(), "3-channel 8-bit output is marked as RGB");
		assertEquals("Score SDE VE seed=7", ds.getName());
		assertArrayEquals(ImageJ2Session.values(ImgConversion.toUint8Img(command.generated())), ImageJ2Session
			.values(ds), "the Dataset wraps the same pixels, in the same order");
		final Display<?> display = context.service(DisplayService.class).getDisplay("Score SDE VE seed=7");
		assertNotNull(display, "the display postprocessor made a display of the output");
		assertTrue(display.isDisplaying(ds));
	}

	@Test
	void floatOutputIsAFloatDatasetNotMergedRgb() throws Exception {
		final GenerateVeCommand command = run(inputs(1, 8, GenerateOptions.OUTPUT_FLOAT));
		final Dataset ds = context.service(ConvertService.class).convert(command.getOutput("result"), Dataset.class);
		ImageJ2Session.assertXycz(ds, 32, 32, 3, 1);
		assertTrue(ds.firstElement() instanceof FloatType);
		assertFalse(ds.isRGBMerged());
	}

	@Test
	void restoringCommandOutputIsADatasetWithOneZPlanePerSample() throws Exception {
		final Map<String, Object> in = RestoreVeCommandTest.inputs();
		in.put("samples", 2);
		in.put("sampler", "em");
		in.put("sigma", 0.1);
		final DenoiseVeCommand command = RestoreVeCommand.runAndWait(context, DenoiseVeCommand.class, in);
		final Dataset ds = context.service(ConvertService.class).convert(command.result(), Dataset.class);
		ImageJ2Session.assertXycz(ds, 32, 32, 3, 2);
		assertTrue(ds.getName().startsWith("Denoise (VE)") && ds.getName().endsWith("seed=5"), ds.getName());
		assertArrayEquals(ImageJ2Session.values(ImgConversion.toFloatImg(command.restored())), ImageJ2Session.values(
			ds));
	}

	@Test
	void uncertaintyOutputIsAFloatDatasetWhoseLegacyImageHasTheSliceLabels() throws Exception {
		final Map<String, Object> in = RestoreVeCommandTest.inputs();
		in.put("image", RestoreVeCommandTest.picture(12, 16, 16, 3));
		in.put("particles", 4);
		in.put("samples", 2);
		in.put("uncertainty", true);
		final UpscaleVeCommand command = RestoreVeCommand.runAndWait(context, UpscaleVeCommand.class, in);
		final Dataset ds = context.service(ConvertService.class).convert(command.result(), Dataset.class);
		assertNotNull(ds, "result: " + command.getCancelReason());
		ImageJ2Session.assertXycz(ds, 32, 32, 3, 4);
		assertTrue(ds.firstElement() instanceof FloatType);
		assertFalse(ds.isRGBMerged());
		final ij.ImagePlus imp = context.service(ConvertService.class).convert(ds, ij.ImagePlus.class);
		assertNotNull(imp, "imagej-legacy made the ImageJ 1 image");
		assertEquals(List.of(3, 4, 1), List.of(imp.getNChannels(), imp.getNSlices(), imp.getNFrames()));
		final String[] labels = { "mean", "std", "sample 1", "sample 2" };
		for (int z = 1; z <= 4; z++)
			for (int c = 1; c <= 3; c++)
				assertEquals(labels[z - 1], imp.getStack().getSliceLabel(imp.getStackIndex(c, z, 1)), "c " + c + ", z " +
					z);
	}

	@Test
	void menuEntriesAreThePluginsConfigBridgesOnce() throws Exception {
		final Map<String, String> expected = new HashMap<>();
		for (final String line : Files.readAllLines(Path.of("plugins.config"), StandardCharsets.UTF_8)) {
			if (line.startsWith("#") || line.trim().isEmpty()) continue;
			final String[] parts = line.split(",");
			expected.put(parts[1].trim().replace("\"", ""), parts[2].trim());
		}
		assertEquals(9, expected.size(), "plugins.config entries: " + expected);
		for (final Map.Entry<String, String> e : expected.entrySet())
			assertEquals(e.getValue(), Menus.getCommands().get(e.getKey()), "the menu entry " + e.getKey() +
				" runs its ImageJ 1 bridge (no SciJava command took its place)");
		final long scoreSde = Menus.getCommands().keySet().stream().filter(k -> k.toString().contains("(VE)")).count();
		assertEquals(expected.size(), scoreSde, "no other (VE) entries: " + Menus.getCommands().keySet());
	}

	@Test
	void readmeMacroLineGivesTheMacroItsImage(@TempDir final Path dir) throws Exception {
		final Path report = dir.resolve("report.txt");
		final String line = Readme.line("run(\"Generate (VE)...\"").replace(Readme.MODEL, ImageJ2Session.tinyModel())
			.replace("steps=2000", "steps=2");
		IJ.runMacro(line + "\ngetDimensions(w, h, c, z, t);\nFile.saveString(getTitle() + \"|\" + w + \"x\" + h + " +
			"\"x\" + c + \"x\" + z + \"x\" + t + \"|\" + bitDepth(), \"" + report + "\");\nclose();");
		assertTrue(Files.exists(report), "the macro had an image after the README line");
		assertEquals("Score SDE VE seed=0|32x32x1x1x1|24", Files.readString(report).trim());
	}

	@Test
	void readmeTrainLineTrainsOnTheMacrosOpenImage(@TempDir final Path dir) throws Exception {
		final Path model = dir.resolve("model");
		final String line = Readme.line("run(\"Train Score Model (VE)...\"").replace("/path/to/model-folder", model
			.toString()).replace("steps=10000", "steps=2").replace("batch=64", "batch=2");
		assertTrue(line.contains("steps=2 batch=2") && line.contains(model.toString()), line);
		IJ.runMacro("setBatchMode(true);\nnewImage(\"training\", \"8-bit random\", 32, 32, 4);\n" + line);
		assertTrue(Files.exists(model.resolve("model_index.json")), "the Train line wrote a pipeline folder from the " +
			"macro's open image");
	}

	@Test
	void consoleRunWithTheReadmeArgumentsRunsHeadless() throws Exception {
		final String readme = Readme.line("./ImageJ-linux64 --headless --run");
		final String args = readme.substring(readme.indexOf('\'') + 1, readme.lastIndexOf('\'')).replace(Readme.MODEL,
			ImageJ2Session.tinyModel()).replace("steps=2000", "steps=2").replace("seed=0", "seed=11");
		context.service(ConsoleService.class).processArgs("--run", GenerateOptions.TITLE, args);
		context.service(StartupService.class).executeOperations();
		final Display<?> display = context.service(DisplayService.class).getDisplay("Score SDE VE seed=11");
		assertNotNull(display, "--run made the image (displays: " + context.service(DisplayService.class)
			.getDisplays() + ")");
		final Dataset ds = context.service(ImageDisplayService.class).getActiveDataset((ImageDisplay) display);
		ImageJ2Session.assertXycz(ds, 32, 32, 3, 1);
		assertTrue(List.of(args.split(",")).contains("seed=11"), args);
	}
}
