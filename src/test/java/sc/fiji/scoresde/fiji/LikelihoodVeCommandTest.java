package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;

/** Log-likelihood and Interpolate (VE) as SciJava commands, headless, on the ncsnpp-tiny fixture (3×32×32). */
class LikelihoodVeCommandTest {

	static Context context;

	@BeforeAll
	static void start() {
		context = new Context();
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	static Map<String, Object> inputs(final Object... kv) {
		final Map<String, Object> m = new HashMap<>();
		m.put("images", RestoreVeCommandTest.picture(2, 32, 32, 3, 2));
		m.put("channels", true);
		m.put("model", RestoreVeCommandTest.tiny());
		m.put("tolerance", 1e-2);
		m.put("seed", 4L);
		m.put("device", "cpu");
		for (int i = 0; i < kv.length; i += 2)
			m.put((String) kv[i], kv[i + 1]);
		return m;
	}

	@Test
	void stacksSplitIntoImagesAlongTheirLastDimensions() {
		final Img<FloatType> colour = ArrayImgs.floats(4, 3, 3, 2);
		int k = 0;
		for (final FloatType v : colour)
			v.set(k++ / 100f); // in the model's range: values are checked like a file's
		final List<UserImage> images = ImgInput.toUserImages(colour, "s", true);
		assertEquals(2, images.size());
		assertEquals(3, images.get(1).channels);
		// ImgLib2's flat order is X fastest, then Y, C, image: image 2 starts at 4·3·3
		assertEquals(0.36f, images.get(1).chw[0]);
		assertEquals(0.48f, images.get(1).chw[12], "channel 2 of image 2");
		final List<UserImage> grey = ImgInput.toUserImages(colour, "s", false);
		assertEquals(6, grey.size(), "without a channel axis every plane is an image");
		assertEquals(1, grey.get(5).channels);
		assertEquals(0.60f, grey.get(5).chw[0]);
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImgInput
			.toUserImages(ArrayImgs.floats(4, 3, 2, 5), "the stack", true));
		assertTrue(e.getMessage().contains("the stack") && e.getMessage().contains("size 1 or 3"), e.getMessage());
	}

	@Test
	void commandGivesTheCoreFiguresPerImage() throws Exception {
		final Map<String, Object> in = inputs();
		final LikelihoodVeCommand command = RestoreVeCommand.runAndWait(context, LikelihoodVeCommand.class, in);
		final LikelihoodService.Result r = command.result();
		assertNotNull(r, "figures: " + command.getCancelReason());
		assertEquals(2, r.count());
		assertEquals(3, command.table().split("\n").length, command.table());
		final LikelihoodService.Request request = new LikelihoodService.Request();
		request.seed = 4L;
		request.tolerance = 1e-2;
		// on the engine thread, as every front end runs the core (its grad mode and thread settings are the runs')
		final LikelihoodService.Result core = sc.fiji.scoresde.runtime.EngineThread.call(() -> {
			try (LoadedModel m = LoadedModel.load(Paths.get(RestoreVeCommandTest.tiny()), Device.cpu(), w -> {})) {
				final List<UserImage> images = ImgInput.toUserImages((Img<?>) in.get("images"), "x", true);
				return LikelihoodService.likelihood(m, request, LikelihoodService.inputs(m, images), 32, 32,
					new GenerationService.Hooks());
			}
		});
		assertArrayEquals(core.bitsPerDim, r.bitsPerDim, 1e-9, "the command runs the core with its inputs");
	}

	@Test
	void badInputsAreNamedAndGiveNoFigures() throws Exception {
		final Object[][] cases = { { "probes", 0 }, { "images", RestoreVeCommandTest.picture(3, 28, 28, 3, 2) },
			{ "tolerance", 2.0 }, { "divergence", "hutchinson" } };
		final String[] named = { "probes", "28×28", "rtol", "hutchinson" };
		for (int i = 0; i < cases.length; i++) {
			final LikelihoodVeCommand c = RestoreVeCommand.runAndWait(context, LikelihoodVeCommand.class, inputs(
				cases[i]));
			assertNull(c.result(), "no figures for " + cases[i][0]);
			assertNull(c.table());
			assertTrue(c.getCancelReason() != null && c.getCancelReason().contains(named[i]), cases[i][0] + ": " + c
				.getCancelReason());
		}
	}

	static Img<FloatType> flat(final float value) {
		final Img<FloatType> img = ArrayImgs.floats(32, 32, 3);
		for (final FloatType v : img)
			v.set(value);
		return img;
	}

	@Test
	void interpolateMakesTheFramesAndRefusesOneFrame() throws Exception {
		final Map<String, Object> in = new HashMap<>();
		// flat images: the flow of random-pixel pictures through the random-weight fixture takes minutes
		in.put("first", flat(0.3f));
		in.put("second", flat(0.7f));
		in.put("frames", 3);
		in.put("model", RestoreVeCommandTest.tiny());
		in.put("tolerance", 1e-2);
		in.put("device", "cpu");
		in.put("output", GenerateOptions.OUTPUT_FLOAT);
		final InterpolateVeCommand c = RestoreVeCommand.runAndWait(context, InterpolateVeCommand.class, in);
		assertNotNull(c.result(), "frames: " + c.getCancelReason());
		assertArrayEquals(new long[] { 32, 32, 3, 3 }, RestoreVeCommandTest.dims(c.result()));
		in.put("frames", 1);
		final InterpolateVeCommand bad = RestoreVeCommand.runAndWait(context, InterpolateVeCommand.class, in);
		assertNull(bad.result());
		assertTrue(bad.getCancelReason().contains("frames 1"), bad.getCancelReason());
	}
}
