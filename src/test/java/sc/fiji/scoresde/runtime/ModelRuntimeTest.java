package sc.fiji.scoresde.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;
import sc.fiji.scoresde.sampling.SamplerOptions;
import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.TorchNoise;

/** The one runtime: runs on the engine thread, waits visibly and cancellably, loads a model once. */
class ModelRuntimeTest {

	@AfterEach
	void closeModels() {
		ModelRuntime.closeCachedModels();
	}

	private static Path tiny() {
		return Fixtures.dir("ncsnpp-tiny").resolve("pipeline");
	}

	@Test
	void aRestorationWaitingForTheGeneratorLockCanBeCancelled() throws Exception {
		final LoadedModel m = ModelRuntime.load(tiny(), DeviceChoice.CPU, line -> {});
		final Restoration.Request r = new Restoration.Request();
		r.task = Restoration.Task.INPAINT;
		r.sampler.steps = 2;
		r.seed = 0L;
		final float[] image = new float[3 * 32 * 32];
		final float[] region = RestorationService.rectangle(32, 32, 0, 0, 8, 8);
		final List<String> log = new CopyOnWriteArrayList<>();
		final GenerationService.Hooks hooks = new GenerationService.Hooks();
		hooks.log = log::add;
		// cancelled once the run has said that it waits
		hooks.cancelled = () -> log.stream().anyMatch(l -> l.contains("waiting"));
		// a thread outside the runtime (as a benchmark does) holds libtorch's generator throughout
		TorchNoise.GENERATOR_LOCK.lock();
		try {
			assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(SamplingCancelledException.class,
				() -> RestorationService.run(m, r, image, 1, 32, 32, region, hooks)));
		}
		finally {
			TorchNoise.GENERATOR_LOCK.unlock();
		}
		assertTrue(log.stream().anyMatch(l -> l.contains("another generation is running")), log.toString());
		assertFalse(TorchNoise.GENERATOR_LOCK.isLocked(), "nothing left holding the generator");
	}

	@Test
	void aRunWaitingForAnotherCanBeCancelledAndTheOtherFinishes() throws Exception {
		final LoadedModel m = ModelRuntime.load(tiny(), DeviceChoice.CPU, line -> {});
		final CountDownLatch firstIsSampling = new CountDownLatch(1);
		final AtomicBoolean firstOnEngineThread = new AtomicBoolean();
		final ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			final Future<GeneratedImages> first = pool.submit(() -> {
				final GenerationService.Hooks h = new GenerationService.Hooks();
				h.progress = (done, total) -> {
					firstOnEngineThread.set(EngineThread.isCurrent());
					firstIsSampling.countDown();
				};
				// long enough to be waited for
				final SamplerOptions longRun = new SamplerOptions();
				longRun.steps = 40;
				return GenerationService.generate(m, new GenerationRequest(longRun, 1, 1), h);
			});
			firstIsSampling.await();
			final List<String> log = new CopyOnWriteArrayList<>();
			final GenerationService.Hooks second = new GenerationService.Hooks();
			second.log = log::add;
			second.cancelled = () -> log.stream().anyMatch(l -> l.contains("waiting"));
			final GenerationRequest r = new GenerationRequest();
			r.sampler.steps = 2;
			assertThrows(SamplingCancelledException.class, () -> GenerationService.generate(m, r, second));
			assertFalse(first.isDone(), "the second run gave up while the first was still sampling");
			assertEquals(1, first.get().batch);
			assertTrue(firstOnEngineThread.get(), "the run's network calls are made on the engine thread");
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aModelIsLoadedOnceAndAgainWhenItsFilesChange(@TempDir final Path dir) throws Exception {
		Fixtures.copyPipeline("ncsnpp-tiny", dir);
		final LoadedModel a = ModelRuntime.load(dir, DeviceChoice.CPU, line -> {});
		assertSame(a, ModelRuntime.load(dir, DeviceChoice.CPU, line -> {}), "the second load is the cached model");
		final Path weights = dir.resolve("unet/diffusion_pytorch_model.safetensors");
		Files.setLastModifiedTime(weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5000));
		final List<String> log = new CopyOnWriteArrayList<>();
		assertNotSame(a, ModelRuntime.load(dir, DeviceChoice.CPU, log::add), "new weights are loaded");
		assertTrue(log.stream().anyMatch(l -> l.contains("changed on disk")), log.toString());
	}
}
