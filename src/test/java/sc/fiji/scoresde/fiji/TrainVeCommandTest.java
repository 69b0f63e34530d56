package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ShortProcessor;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

import sc.fiji.scoresde.imagej.ImagePlusTraining;
import sc.fiji.scoresde.train.TrainingImages;

/** "Train Score Model (VE)..." run headless through CommandService, as a Fiji script or macro would. */
class TrainVeCommandTest {

	static Context context;

	@BeforeAll
	static void start() {
		context = new Context();
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static Map<String, Object> inputs(final Path data, final Path output) throws Exception {
		final Map<String, Object> m = new HashMap<>();
		m.put("source", TrainOptions.SOURCE_PATH);
		m.put("data", data.toFile());
		m.put("output", output.toFile());
		m.put("resume", false);
		m.put("architecture", Paths.get(TrainVeCommandTest.class.getResource("/configs/tiny-train/config.json").toURI())
			.toString());
		m.put("size", 8);
		m.put("channels", TrainOptions.CHANNELS_AUTO);
		m.put("steps", 2);
		m.put("batch", 4);
		m.put("lr", 1e-3);
		m.put("seed", 0L);
		m.put("device", "cpu");
		return m;
	}

	@Test
	void trainsFromAFolderAndReportsTheOutput(@TempDir final Path dir) throws Exception {
		final Path data = sc.fiji.scoresde.cli.TrainCommandTestAccess.pngFolder(dir.resolve("data"), 6);
		final Path out = dir.resolve("model");
		final TrainVeCommand c = (TrainVeCommand) context.service(CommandService.class).run(TrainVeCommand.class, true,
			inputs(data, out)).get().getDelegateObject();
		assertNull(c.getCancelReason());
		assertEquals(out.toString(), c.trained());
		assertEquals(2, c.result().steps);
		assertTrue(Files.isRegularFile(out.resolve("unet/diffusion_pytorch_model.safetensors")));
	}

	@Test
	void badInputCancelsWithTheReason(@TempDir final Path dir) throws Exception {
		final Map<String, Object> in = inputs(dir.resolve("missing"), dir.resolve("model"));
		final TrainVeCommand c = (TrainVeCommand) context.service(CommandService.class).run(TrainVeCommand.class, true,
			in).get().getDelegateObject();
		assertTrue(c.getCancelReason().contains("missing"), c.options().data + ": " + c.getCancelReason());
		assertNull(c.trained());
		assertFalse(Files.exists(dir.resolve("model").resolve("unet")));
		final Map<String, Object> noOutput = inputs(dir, dir.resolve("x"));
		noOutput.put("output", new File(""));
		final TrainVeCommand d = (TrainVeCommand) context.service(CommandService.class).run(TrainVeCommand.class, true,
			noOutput).get().getDelegateObject();
		assertTrue(d.getCancelReason() != null && d.getCancelReason().contains("output folder"), d.getCancelReason());
	}

	@Test
	void anOpenSixteenBitStackTrainsAsGreyImagesScaledByItsRange() {
		final ImageStack stack = new ImageStack(3, 2);
		stack.addSlice(new ShortProcessor(3, 2, new short[] { 100, 200, 300, 100, 100, 100 }, null));
		stack.addSlice(new ShortProcessor(3, 2, new short[] { 500, 100, 100, 100, 100, 100 }, null));
		final TrainingImages t = ImagePlusTraining.toTrainingImages(new ImagePlus("cells", stack), 0);
		assertEquals(1, t.channels);
		assertEquals(2, t.count());
		assertEquals(0.25f, t.images().get(0).chw[1], 1e-6f);
		assertEquals(1f, t.images().get(1).chw[0], 1e-6f);
		assertEquals("cells plane 2", t.images().get(1).source);
	}
}
