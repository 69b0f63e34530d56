package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.event.EventService;
import org.scijava.module.ModuleService;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.imagej.ImgConversion;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.imagej.UncertaintyStack;
import sc.fiji.scoresde.restore.RestorationService;

/**
 * Inpaint, Colorize, Super-resolution, Denoise and Guided synthesis (VE) as SciJava commands, headless, on the
 * ncsnpp-tiny fixture.
 */
class RestoreVeCommandTest {

	static Context context;

	@BeforeAll
	static void start() {
		context = new Context();
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	static String tiny() {
		return Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString();
	}

	/** A 32×32 RGB image in (0.1, 0.9), X × Y × channel. */
	static Img<FloatType> picture(final long seed, final long... dims) {
		final Random r = new Random(seed);
		final Img<FloatType> img = ArrayImgs.floats(dims.length == 0 ? new long[] { 32, 32, 3 } : dims);
		for (final FloatType v : img)
			v.set(0.1f + 0.8f * r.nextFloat());
		return img;
	}

	static Map<String, Object> inputs(final Object... kv) {
		final Map<String, Object> m = new HashMap<>();
		m.put("image", picture(1));
		m.put("model", tiny());
		m.put("steps", 3);
		m.put("seed", 5L);
		m.put("device", "cpu");
		m.put("output", GenerateOptions.OUTPUT_FLOAT);
		for (int i = 0; i < kv.length; i += 2)
			m.put((String) kv[i], kv[i + 1]);
		return m;
	}

	static <C extends RestoreVeCommand> C run(final Class<C> type, final Map<String, Object> inputs)
		throws Exception
	{
		return RestoreVeCommand.runAndWait(context, type, inputs);
	}

	static float[] values(final Img<?> img) {
		final float[] out = new float[(int) img.size()];
		int i = 0;
		for (final Object v : img)
			out[i++] = ((net.imglib2.type.numeric.RealType<?>) v).getRealFloat();
		return out;
	}

	static long[] dims(final Img<?> img) {
		final long[] d = new long[img.numDimensions()];
		img.dimensions(d);
		return d;
	}

	/** The core run with the options the command read, for the same image. */
	static GeneratedImages core(final RestoreVeCommand command, final Img<?> image, final float[] region)
		throws Exception
	{
		final RestoreOptions o = command.options();
		try (LoadedModel model = LoadedModel.load(Fixtures.dir("ncsnpp-tiny").resolve("pipeline"), Device.cpu(),
			w -> {}))
		{
			final sc.fiji.scoresde.images.UserImage u = ImgInput.toUserImage(image, "image");
			return RestorationService.run(model, o.request(), RestorationService.input(u, o.task, 3), 1, u.height,
				u.width, region, new GenerationService.Hooks());
		}
	}

	@Test
	void inpaintWithARectangleEqualsTheCoreKeepsTheKnownPixelsAndLeavesTheInputAlone() throws Exception {
		final Img<FloatType> image = picture(2);
		final float[] before = values(image);
		final InpaintVeCommand c = run(InpaintVeCommand.class, inputs("image", image, "rect", "8,4,16,12",
			"samples", 2));
		final Img<?> out = c.result();
		assertNotNull(out, "result: " + c.getCancelReason());
		assertArrayEquals(new long[] { 32, 32, 3, 2 }, dims(out), "(X, Y, channel, sample)");
		assertArrayEquals(before, values(image), "the input image is not modified");
		final RestoreOptions o = c.options();
		assertEquals("pc", o.sampler);
		assertEquals(3, o.request().resamplings, "RePaint resampling is the default");
		final GeneratedImages core = core(c, image, RestorationService.rectangle(32, 32, 8, 4, 16, 12));
		assertArrayEquals(values(ImgConversion.toFloatImg(core)), values(out), "same pixels as the core, seed 5");
		final float[] v = values(out);
		int changed = 0;
		for (int s = 0; s < 2; s++)
			for (int ch = 0; ch < 3; ch++)
				for (int y = 0; y < 32; y++)
					for (int x = 0; x < 32; x++) {
						final float got = v[((s * 3 + ch) * 32 + y) * 32 + x], was = before[(ch * 32 + y) * 32 + x];
						final boolean inside = x >= 8 && x < 24 && y >= 4 && y < 16;
						if (!inside) assertEquals(was, got, 0f, "known pixel " + x + "," + y + " kept");
						else if (got != was) changed++;
					}
		assertTrue(changed > 2 * 3 * 16 * 12 / 2, "the region was regenerated: " + changed);
		assertTrue(c.getInfo().getOutput("result").getLabel().contains("seed=5"), "title names the seed");
	}

	@Test
	void aMaskImageGivesTheSameResultAsTheSameRectangle() throws Exception {
		final Img<UnsignedByteType> mask = ArrayImgs.unsignedBytes(32, 32);
		final net.imglib2.RandomAccess<UnsignedByteType> ra = mask.randomAccess();
		for (int y = 10; y < 20; y++)
			for (int x = 3; x < 9; x++)
				ra.setPositionAndGet(x, y).set(255);
		final Img<?> a = run(InpaintVeCommand.class, inputs("mask", mask)).result();
		final Img<?> b = run(InpaintVeCommand.class, inputs("rect", "3,10,6,10")).result();
		assertNotNull(a);
		assertArrayEquals(values(b), values(a));
	}

	@Test
	void colorizeDenoiseAndGuidedSynthesisEqualTheCore() throws Exception {
		final Img<FloatType> image = picture(3);
		final ColorizeVeCommand colour = run(ColorizeVeCommand.class, inputs("image", image));
		assertNotNull(colour.result(), "colorize: " + colour.getCancelReason());
		assertArrayEquals(values(ImgConversion.toFloatImg(core(colour, image, null))), values(colour.result()));

		final DenoiseVeCommand mean = run(DenoiseVeCommand.class, inputs("image", image, "sigma", 0.1));
		assertNotNull(mean.result(), "denoise: " + mean.getCancelReason());
		assertTrue(mean.options().request().posteriorMean, "samples = 0 (the default) is Tweedie's mean");
		assertArrayEquals(new long[] { 32, 32, 3, 1 }, dims(mean.result()));
		assertArrayEquals(values(ImgConversion.toFloatImg(core(mean, image, null))), values(mean.result()));

		final DenoiseVeCommand samples = run(DenoiseVeCommand.class, inputs("image", image, "sigma", 0.1,
			"samples", 2));
		assertEquals("em", samples.options().sampler, "em is the default sampler for posterior samples");
		assertArrayEquals(new long[] { 32, 32, 3, 2 }, dims(samples.result()));

		final GuidedSynthesisVeCommand edit = run(GuidedSynthesisVeCommand.class, inputs("image", image,
			"strength", 0.3));
		assertNotNull(edit.result(), "edit: " + edit.getCancelReason());
		assertArrayEquals(values(ImgConversion.toFloatImg(core(edit, image, null))), values(edit.result()));
	}

	@Test
	void superResolutionWithParticlesAndUncertaintyGivesMeanStdThenTheSamples() throws Exception {
		final Img<FloatType> small = picture(8, 16, 16, 3);
		final UpscaleVeCommand c = run(UpscaleVeCommand.class, inputs("image", small, "particles", 4, "steps", 3,
			"samples", 2, "uncertainty", true, "output", GenerateOptions.OUTPUT_RGB));
		assertNotNull(c.result(), "result: " + c.getCancelReason());
		final Img<?> out = c.result();
		assertArrayEquals(new long[] { 32, 32, 3, 4 }, dims(out), "(X, Y, channel, mean | std | sample 1 | sample 2)");
		assertEquals(FloatType.class, out.firstElement().getClass(), "float whatever output says");
		final sc.fiji.scoresde.restore.Restoration.Request request = c.options().request();
		assertEquals(4, request.particles);
		assertNull(request.sampler.name, "with particles the particle sampler runs, not the pc sampler chosen");
		assertEquals(0, request.resamplings, "nor RePaint resampling");
		final GeneratedImages core = core(c, small, null);
		assertNotNull(core.mean, "the core gave the mean and std");
		assertArrayEquals(values(ImgConversion.toFloatImg(UncertaintyStack.of(core))), values(out),
			"mean, std, then the samples, as the core made them for seed 5");
		final float[] v = values(out), in = values(small);
		final int plane = 32 * 32;
		for (int p = 0; p < 4; p++)
			for (int ch = 0; ch < 3; ch++) {
				double spread = 0;
				for (int i = 0; i < plane; i++) {
					final float x = v[(p * 3 + ch) * plane + i];
					assertTrue(x >= 0 && x <= 1, "plane " + p + " in [0, 1]: " + x);
					if (p == 1) spread += x;
				}
				if (p == 1) assertTrue(spread > 0, "the std is not zero everywhere (channel " + ch + ")");
			}
	}

	@Test
	void superResolutionSamplesKeepTheInputsBlockMeans() throws Exception {
		// the bundled Fashion-MNIST model, trained, keeps its samples inside [0, 1] (the test model's are clamped)
		final Img<FloatType> small = picture(10, 14, 14);
		final UpscaleVeCommand c = run(UpscaleVeCommand.class, inputs("model", "", "image", small, "particles", 4,
			"steps", 10, "samples", 2, "uncertainty", true));
		assertNotNull(c.result(), "result: " + c.getCancelReason());
		assertArrayEquals(new long[] { 28, 28, 1, 4 }, dims(c.result()));
		final float[] v = values(c.result()), in = values(small);
		int unclamped = 0;
		for (final int p : new int[] { 2, 3 })
			for (int y = 0; y < 14; y++)
				for (int x = 0; x < 14; x++) {
					double sum = 0;
					boolean inside = true;
					for (int dy = 0; dy < 2; dy++)
						for (int dx = 0; dx < 2; dx++) {
							final float value = v[(p * 28 + 2 * y + dy) * 28 + 2 * x + dx];
							inside &= value > 0 && value < 1;
							sum += value;
						}
					if (!inside) continue;
					unclamped++;
					assertEquals(in[y * 14 + x], sum / 4, 1e-4, "sample " + (p - 1) + ": the block mean at " + x + "," + y +
						" is the input's pixel");
				}
		assertTrue(unclamped > 2 * 14 * 14 / 2, "most blocks have no pixel clamped to [0, 1]: " + unclamped);
	}

	@Test
	void superResolutionWithoutUncertaintyGivesTheSamplesAsBefore() throws Exception {
		final Img<FloatType> small = picture(9, 16, 16, 3);
		final UpscaleVeCommand c = run(UpscaleVeCommand.class, inputs("image", small, "samples", 2));
		assertNotNull(c.result(), "result: " + c.getCancelReason());
		assertArrayEquals(new long[] { 32, 32, 3, 2 }, dims(c.result()), "(X, Y, channel, sample)");
		assertEquals("pc", c.options().request().sampler.name);
		assertEquals(3, c.options().request().resamplings, "replacement with RePaint resampling by default");
		assertEquals(2, c.options().request().factor);
		assertNull(c.restored().mean);
		assertArrayEquals(values(ImgConversion.toFloatImg(core(c, small, null))), values(c.result()));
	}

	@Test
	void eightBitInputIsDividedBy255AndEightBitOutputIsRounded() throws Exception {
		final Img<UnsignedByteType> bytes = ArrayImgs.unsignedBytes(32, 32, 3);
		int i = 0;
		for (final UnsignedByteType v : bytes)
			v.set((i++ * 37) % 256);
		final Img<FloatType> floats = ArrayImgs.floats(32, 32, 3);
		final net.imglib2.Cursor<UnsignedByteType> cb = bytes.cursor();
		for (final FloatType v : floats)
			v.set(cb.next().get() * (1 / 255f)); // as UserImage reads an 8-bit file
		final Img<?> a = run(DenoiseVeCommand.class, inputs("image", bytes, "sigma", 0.05)).result();
		final Img<?> b = run(DenoiseVeCommand.class, inputs("image", floats, "sigma", 0.05)).result();
		assertArrayEquals(values(b), values(a), "8-bit ÷ 255 = the same image as float");
		final Img<?> u8 = run(DenoiseVeCommand.class, inputs("image", bytes, "sigma", 0.05, "output",
			GenerateOptions.OUTPUT_RGB)).result();
		assertEquals(UnsignedByteType.class, u8.firstElement().getClass());
		final float[] f = values(b), g = values(u8);
		for (int k = 0; k < f.length; k++)
			assertEquals(Math.round(255 * f[k]), g[k], 1e-6, "round(255·x)");
	}

	@Test
	void badInputIsRefusedWithASpecificMessageAndNoResult() throws Exception {
		final Img<FloatType> nan = picture(4);
		nan.firstElement().set(Float.NaN);
		final Img<FloatType> huge = picture(7);
		huge.firstElement().set(1e30f);
		final Img<UnsignedByteType> empty = ArrayImgs.unsignedBytes(32, 32);
		final Img<UnsignedByteType> full = ArrayImgs.unsignedBytes(32, 32);
		for (final UnsignedByteType v : full)
			v.set(1);
		final Object[][] cases = { //
			{ InpaintVeCommand.class, inputs("mask", ArrayImgs.unsignedBytes(16, 16)), "16×16" },
			{ InpaintVeCommand.class, inputs("mask", empty), "empty" },
			{ InpaintVeCommand.class, inputs("mask", full), "whole image" },
			{ InpaintVeCommand.class, inputs("mask", full, "rect", "1,1,2,2"), "either" },
			{ InpaintVeCommand.class, inputs(), "either" },
			{ InpaintVeCommand.class, inputs("rect", "30,30,5,5"), "inside" },
			{ InpaintVeCommand.class, inputs("rect", "a,b,c,d"), "whole numbers" },
			{ InpaintVeCommand.class, inputs("rect", "1,1,4,4", "image", nan), "NaN" },
			{ InpaintVeCommand.class, inputs("rect", "1,1,4,4", "image", huge), "is 1.0E30, outside [-4, 5]" },
			{ InpaintVeCommand.class, inputs("rect", "1,1,4,4", "image", picture(5, 32, 32, 5)), "channels" },
			{ DenoiseVeCommand.class, inputs("image", picture(5, 32, 32, 1, 4)), "plane by plane" },
			{ DenoiseVeCommand.class, inputs("image", picture(5, 28, 28, 3)), "sample_size" },
			{ DenoiseVeCommand.class, inputs("image", ArrayImgs.ints(32, 32)), "8-bit, 16-bit or float" },
			{ DenoiseVeCommand.class, inputs("sigma", -3.0), "'sigma'" },
			{ DenoiseVeCommand.class, inputs("samples", 2, "sampler", "ode"), "stochastic" },
			{ GuidedSynthesisVeCommand.class, inputs("strength", 1.5), "strength" },
			{ GuidedSynthesisVeCommand.class, inputs("samples", 0), "'samples'" },
			{ ColorizeVeCommand.class, inputs("steps", 0), "steps 0" },
			{ ColorizeVeCommand.class, inputs("resample", -1), "'resample'" },
			{ ColorizeVeCommand.class, inputs("model", "", "image", picture(6, 28, 28)), "3-channel" },
			{ ColorizeVeCommand.class, inputs("model", "/no/such/model"), "'model'" },
			{ UpscaleVeCommand.class, inputs(), "give a 16×16 image for factor 2" },
			{ UpscaleVeCommand.class, inputs("image", picture(6, 8, 8, 3), "factor", 4, "samples", 0), "'samples' is 0" },
			{ UpscaleVeCommand.class, inputs("image", picture(6, 16, 16, 3), "factor", 1), "'factor' is 1" },
			{ UpscaleVeCommand.class, inputs("image", picture(6, 16, 16, 3), "particles", 4, "noise", -0.1),
				"'noise' is -0.1" },
			{ UpscaleVeCommand.class, inputs("image", picture(6, 16, 16, 3), "noise", 0.05), "without particles" },
			{ UpscaleVeCommand.class, inputs("image", picture(6, 16, 16, 3), "uncertainty", true), "'samples' is 1" },
			{ UpscaleVeCommand.class, inputs("model", "", "image", picture(6, 14, 14, 3)), "3 channels" },
			{ InpaintVeCommand.class, inputs("rect", "1,1,4,4", "particles", -1), "'particles' is -1" },
			{ InpaintVeCommand.class, inputs("rect", "1,1,4,4", "particles", 4, "steps", 1), "at least 2 steps" },
			{ DenoiseVeCommand.class, inputs("sigma", 0.1, "particles", 4), "'samples' is 0" },
			{ DenoiseVeCommand.class, inputs("sigma", 0.1, "samples", 1, "uncertainty", true), "'samples' is 1" } };
		for (final Object[] c : cases) {
			@SuppressWarnings("unchecked")
			final RestoreVeCommand command = run((Class<RestoreVeCommand>) c[0], (Map<String, Object>) c[1]);
			assertTrue(command.isCanceled(), "refused: " + c[2]);
			assertTrue(command.getCancelReason().contains((String) c[2]), c[2] + " in: " + command.getCancelReason());
			assertNull(command.result(), "no result for " + c[2]);
		}
	}

	@Test
	void cancelStopsWithinOneNetworkCallAndLeavesNoOutput() throws Exception {
		final GenerateVeCommandTest.CallCounter counter = new GenerateVeCommandTest.CallCounter();
		final var subscribers = context.service(EventService.class).subscribe(counter);
		try {
			final InpaintVeCommand command = RestoreVeCommand.create(context, InpaintVeCommand.class);
			final Future<?> future = context.service(ModuleService.class).run(command, true, inputs("rect", "0,0,8,8",
				"steps", 200));
			final long deadline = System.currentTimeMillis() + 120_000;
			while (counter.calls.get() < 5 && !future.isDone() && System.currentTimeMillis() < deadline)
				Thread.sleep(5);
			assertTrue(counter.calls.get() >= 5, "the run started: " + command.getCancelReason());
			final int atCancel = counter.calls.get();
			command.cancel("test cancel");
			future.get();
			final int after = counter.calls.get();
			assertTrue(after <= atCancel + 1, "stopped within one call: cancel at " + atCancel + ", last " + after);
			assertNull(command.result(), "no output after cancel");
			assertNull(command.restored());
		}
		finally {
			context.service(EventService.class).unsubscribe(subscribers);
		}
	}
}
