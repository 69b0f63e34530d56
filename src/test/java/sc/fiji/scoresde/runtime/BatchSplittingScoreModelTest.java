package sc.fiji.scoresde.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.sampling.SamplingCancelledException;
import sc.fiji.scoresde.sampling.ScoreModel;

/** A stop request during one network call on a big batch waits for one chunk, not for the whole call. */
class BatchSplittingScoreModelTest {

	/** A slow stand-in for the network that counts the images it was called on and asks to stop after some. */
	private static ScoreModel slow(final List<Long> chunks, final AtomicBoolean cancel, final int cancelAfter) {
		return (x, sigma) -> {
			chunks.add(x.getShape().get(0));
			if (chunks.size() == cancelAfter) cancel.set(true);
			try {
				Thread.sleep(20);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			return x.neg();
		};
	}

	@Test
	void aCancelIsSeenBeforeTheNextChunkOfTheSameCall() {
		final List<Long> chunks = new CopyOnWriteArrayList<>();
		final AtomicBoolean cancel = new AtomicBoolean();
		try (NDManager nd = NDManager.newBaseManager(Device.cpu())) {
			final NDArray x = nd.ones(new Shape(16, 1, 4, 4));
			final BatchSplittingScoreModel split = new BatchSplittingScoreModel(slow(chunks, cancel, 2), 4,
				cancel::get, line -> {});
			final SamplingCancelledException e = assertThrows(SamplingCancelledException.class, () -> split.score(x,
				1f));
			assertEquals(List.of(4L, 4L), chunks, "two chunks of four, then the stop");
			assertTrue(e.getMessage().contains("after 8 of its 16 images"), e.getMessage());
		}
	}

	@Test
	void withoutACancelEveryChunkRunsAndTheResultIsWhole() {
		final List<Long> chunks = new CopyOnWriteArrayList<>();
		try (NDManager nd = NDManager.newBaseManager(Device.cpu())) {
			final NDArray x = nd.arange(40f).reshape(10, 1, 2, 2);
			final float[] out = new BatchSplittingScoreModel(slow(chunks, new AtomicBoolean(), -1), 4, () -> false,
				line -> {}).score(x, 1f).toFloatArray();
			assertEquals(List.of(4L, 4L, 2L), chunks);
			for (int i = 0; i < out.length; i++)
				assertEquals(-i, out[i], 0f);
		}
	}

	@Test
	void anInterruptedThreadStopsBeforeTheNextChunk() {
		final List<Long> chunks = new CopyOnWriteArrayList<>();
		try (NDManager nd = NDManager.newBaseManager(Device.cpu())) {
			final NDArray x = nd.ones(new Shape(8, 1, 2, 2));
			final ScoreModel interrupting = (batch, sigma) -> {
				chunks.add(batch.getShape().get(0));
				Thread.currentThread().interrupt();
				return batch;
			};
			assertThrows(SamplingCancelledException.class, () -> new BatchSplittingScoreModel(interrupting, 2, line -> {
			}).score(x, 1f));
			assertEquals(1, chunks.size());
		}
		finally {
			Thread.interrupted();
		}
	}

	/**
	 * The case through the generation service: a batch split into single images (the stand-in refuses more,
	 * as a device out of memory would) stops within one image of the cancel, not after the whole call.
	 */
	@Test
	void aGenerationStopsWithinOneChunkOfTheCancel() throws Exception {
		final AtomicBoolean cancel = new AtomicBoolean();
		final AtomicInteger singleImageCalls = new AtomicInteger();
		final List<String> log = new CopyOnWriteArrayList<>();
		try (LoadedModel m = ReliabilityTest.tiny()) {
			final GenerationService.Hooks h = new GenerationService.Hooks();
			h.log = log::add;
			h.cancelled = cancel::get;
			h.scoreModel = (x, sigma) -> {
				if (x.getShape().get(0) > 1) throw new EngineException("DefaultCPUAllocator: can't allocate memory");
				if (singleImageCalls.incrementAndGet() == 3) cancel.set(true);
				return x.neg();
			};
			final SamplingCancelledException e = assertThrows(SamplingCancelledException.class, () -> GenerationService
				.generate(m, ReliabilityTest.request(1, 8), h));
			assertEquals(3, singleImageCalls.get(), "stopped before the 4th of 8 chunks of the first call");
			assertTrue(e.getMessage().contains("after 3 of its 8 images"), e.getMessage());
		}
	}
}
