package sc.fiji.scoresde.runtime;

import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;

/**
 * The network memory check sees the size the network will really be called on: the user's image when the config has
 * no sample_size (restoration, likelihood), and refuses sizes the network cannot take, before anything is allocated.
 */
class MemoryCheckTest {

	/** The ncsnpp-tiny fixture (4 levels, attention at 1/2 size, one head) with its sample_size line replaced. */
	private static LoadedModel tinyWith(final Path dir, final String sampleSizeLine) throws Exception {
		Fixtures.copyPipeline("ncsnpp-tiny", dir);
		final Path config = dir.resolve("unet/config.json");
		final String text = Files.readString(config);
		assertTrue(text.contains("\"sample_size\": 32,"));
		Files.writeString(config, text.replace("\"sample_size\": 32,", sampleSizeLine));
		return LoadedModel.load(dir, Device.cpu(), w -> {});
	}

	private static IllegalArgumentException inpaint(final LoadedModel m, final int side) {
		final Restoration.Request r = new Restoration.Request();
		r.task = Restoration.Task.INPAINT;
		r.sampler.steps = 2;
		r.seed = 0L;
		final float[] image = new float[3 * side * side];
		Arrays.fill(image, 0.5f);
		final float[] region = RestorationService.rectangle(side, side, 0, 0, 8, 8);
		return assertThrows(IllegalArgumentException.class, () -> RestorationService.run(m, r, image, 1, side, side,
			region, new GenerationService.Hooks()));
	}

	@Test
	void aLargeImageForAModelWithoutSampleSizeIsRefusedBeforeAllocating(@TempDir final Path dir) throws Exception {
		try (LoadedModel m = tinyWith(dir, "")) {
			final long before = Runtime.getRuntime().totalMemory();
			final IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> inpaint(m,
				2048));
			assertTrue(e.getMessage().contains("2048×2048") && e.getMessage().contains("refusing before allocating"), e
				.getMessage());
			final float[][] images = { new float[3 * 2048 * 2048] };
			final IllegalArgumentException l = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
				IllegalArgumentException.class, () -> LikelihoodService.likelihood(m, new LikelihoodService.Request(),
					images, 2048, 2048, new GenerationService.Hooks())));
			assertTrue(l.getMessage().contains("refusing before allocating"), l.getMessage());
			assertTrue(Runtime.getRuntime().totalMemory() - before < 256L << 20, "nothing large was allocated");
		}
	}

	@Test
	void anImageTheDownBlocksCannotHalveIsRefusedBeforeTheFirstCall(@TempDir final Path dir) throws Exception {
		try (LoadedModel m = tinyWith(dir, "")) {
			final IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> inpaint(m, 36));
			assertTrue(e.getMessage().contains("36×36") && e.getMessage().contains("multiples of 8") && e.getMessage()
				.contains("32×32"), e.getMessage());
		}
	}

	@Test
	void anAstronomicalEstimateIsSaidInWordsNotAsAnOverflowedNumber(@TempDir final Path dir) throws Exception {
		try (LoadedModel m = tinyWith(dir, "\"sample_size\": 65536,")) {
			final GenerationRequest r = new GenerationRequest();
			r.sampler.steps = 2;
			r.seed = 0L;
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GenerationService
				.generate(m, r, new GenerationService.Hooks()));
			assertTrue(e.getMessage().contains("65536×65536") && e.getMessage().contains("more than a million GB"), e
				.getMessage());
			assertFalse(e.getMessage().contains("9223372036"), e.getMessage());
		}
	}
}
