package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.module.ModuleService;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.imagej.ImgConversion;

/** The SciJava command run headless through CommandService, as Fiji scripts and headless batch runs do. */
class GenerateVeCommandTest {

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
		m.put("model", Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString());
		m.put("images", 2);
		m.put("steps", 3);
		m.put("seed", 5L);
		m.put("snr", -1.0);
		m.put("correctors", -1);
		m.put("device", "cpu");
		m.put("output", GenerateOptions.OUTPUT_RGB);
		for (int i = 0; i < kv.length; i += 2)
			m.put((String) kv[i], kv[i + 1]);
		return m;
	}

	static GenerateVeCommand run(final Map<String, Object> inputs) throws Exception {
		return GenerateVeCommand.runAndWait(context, inputs);
	}

	/** The pixels in iteration order (X fastest for array images). */
	static double[] bytes(final Img<?> img) {
		final double[] out = new double[(int) img.size()];
		int i = 0;
		for (final Object v : img)
			out[i++] = ((RealType<?>) v).getRealDouble();
		return out;
	}

	/** A script's or --run's left-out input gets the default, not the value of an earlier run in this JVM or before. */
	@Test
	void inputsLeftOutTakeTheDefaultsNotAnEarlierRunsValues() throws Exception {
		run(inputs("output", GenerateOptions.OUTPUT_FLOAT, "steps", 1, "images", 1));
		final Map<String, Object> later = inputs("steps", 1, "images", 1);
		later.remove("output");
		final GenerateVeCommand c = run(later);
		assertEquals(net.imglib2.type.numeric.integer.UnsignedByteType.class, ((net.imglib2.img.Img<?>) c.result())
			.firstElement().getClass(), "8-bit, the default output, after a float run");
	}

	@Test
	void outputIsAnXyCnStackEqualToTheCoreGenerator() throws Exception {
		final GenerateVeCommand module = run(inputs());
		final Img<?> img = (Img<?>) module.getOutput("result");
		assertNotNull(img, "result: " + module.getCancelReason());
		final long[] dims = new long[img.numDimensions()];
		img.dimensions(dims);
		assertArrayEquals(new long[] { 32, 32, 3, 2 }, dims, "(W, H, 3, B)");
		final GenerationRequest request = new GenerationRequest();
		request.batch = 2;
		request.sampler.steps = 3;
		request.seed = 5L;
		final GeneratedImages core;
		try (LoadedModel model = LoadedModel.load(Fixtures.dir("ncsnpp-tiny").resolve("pipeline"), Device.cpu(),
			w -> {}))
		{
			core = GenerationService.generate(model, request, new GenerationService.Hooks());
		}
		assertArrayEquals(bytes(ImgConversion.toUint8Img(core)), bytes(img), "same pixels as the core for seed 5");
		assertTrue(module.getInfo().getOutput("result").getLabel().contains("seed=5"), "title names the seed");
	}

	@Test
	void pickedSeedIsWrittenBackSoThatTheRecordedInputsReplay() throws Exception {
		final GenerateVeCommand module = run(inputs("seed", -1L, "images", 1, "steps", 2));
		final long used = (Long) module.getInput("seed");
		assertTrue(used >= 0, "the seed input now holds the seed used: " + used);
		assertEquals(used, module.generated().seed);
		final GenerateVeCommand replay = run(inputs("seed", used, "images", 1, "steps", 2));
		assertArrayEquals(bytes((Img<?>) module.getOutput("result")), bytes((Img<?>) replay.getOutput("result")));
	}

	@Test
	void floatOutputIsInTheUnitInterval() throws Exception {
		final Img<?> img = (Img<?>) run(inputs("output", GenerateOptions.OUTPUT_FLOAT, "images", 1)).getOutput(
			"result");
		assertEquals(net.imglib2.type.numeric.real.FloatType.class, img.firstElement().getClass());
	}

	@Test
	void badParametersCancelWithAMessageNamingTheParameter() throws Exception {
		for (final Object[] bad : new Object[][] { { "steps", 0, "'steps'" }, { "device", "tpu", "'device'" }, {
			"output", "jpeg", "'output'" }, { "model", "/no/such/model", "'model'" }, { "snr", -3.0, "'snr'" } })
		{
			final GenerateVeCommand module = run(inputs(bad[0], bad[1]));
			final GenerateVeCommand command = module;
			assertTrue(command.isCanceled(), "cancelled for " + bad[0]);
			assertTrue(command.getCancelReason().contains((String) bad[2]), command.getCancelReason());
			assertNull(module.getOutput("result"));
		}
	}

	/** Counts network calls through the status events the command sends. */
	public static final class CallCounter {

		final AtomicInteger calls = new AtomicInteger();

		@EventHandler
		public void onStatus(final StatusEvent e) {
			if (e.getProgressMaximum() > 0) calls.set(e.getProgressValue());
		}
	}

	@Test
	void cancelStopsWithinOneNetworkCallAndLeavesNoOutput() throws Exception {
		final CallCounter counter = new CallCounter();
		final var subscribers = context.service(EventService.class).subscribe(counter);
		try {
			final GenerateVeCommand command = GenerateVeCommand.create(context);
			final GenerateVeCommand module = command;
			final Future<?> future = context.service(ModuleService.class).run(command, true, inputs("steps", 200,
				"images", 1));
			while (counter.calls.get() < 5)
				Thread.sleep(5);
			final int atCancel = counter.calls.get();
			command.cancel("test cancel");
			future.get();
			final int after = counter.calls.get();
			assertTrue(after <= atCancel + 1, "stopped within one network call: cancel at " + atCancel + ", last " +
				after);
			assertTrue(after < 400, "did not run to the end");
			assertNull(module.getOutput("result"), "no output after cancel");
			assertNull(command.generated());
		}
		finally {
			context.service(EventService.class).unsubscribe(subscribers);
		}
		// and the next run works
		assertNotNull(run(inputs("images", 1, "steps", 2)).getOutput("result"));
	}

	@Test
	void choicesAndDefaultsComeFromTheCore() throws Exception {
		final GenerateVeCommand module = run(inputs("images", 1, "steps", 1));
		assertEquals(sc.fiji.scoresde.sampling.SamplerOptions.NAMES, module.getInfo().getInput("sampler", String.class)
			.getChoices());
		assertEquals(sc.fiji.scoresde.runtime.DeviceChoice.NAMES, module.getInfo().getInput("device", String.class)
			.getChoices());
		assertEquals(java.util.Arrays.asList(GenerateOptions.checkpointChoices()), module.getInfo().getInput(
			"checkpoint", String.class).getChoices());
		final GenerateVeCommand fresh = GenerateVeCommand.create(context);
		assertEquals(-1, fresh.options().steps, "steps not given: the model folder's recommendation");
		assertEquals(sc.fiji.scoresde.sampling.SamplerOptions.DEFAULT_NAME, fresh.options().sampler);
		final InpaintVeCommand inpaint = RestoreVeCommand.runAndWait(context, InpaintVeCommand.class, java.util.Map.of(
			"image", net.imglib2.img.array.ArrayImgs.unsignedBytes(32, 32), "rect", "1,1,2,2", "steps", 0));
		assertEquals(sc.fiji.scoresde.sampling.SamplerOptions.NAMES, inpaint.getInfo().getInput("sampler", String.class)
			.getChoices(), "the restoring commands' initializer (in their superclass) ran");
	}
}
