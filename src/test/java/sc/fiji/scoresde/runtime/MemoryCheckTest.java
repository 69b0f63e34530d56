package sc.fiji.scoresde.runtime;

import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

	@Test
	void aBigBatchIsSplitByWhatIsAvailableAndTheLogSaysWhichFigure() {
		final List<String> log = new ArrayList<>();
		// the case: 4096 images on a machine with 25.3 GB of RAM of which 2 GB are available
		final MemoryCheck.Available available = new MemoryCheck.Available(2_000_000_000L, "MemAvailable in " +
			"/proc/meminfo");
		assertEquals(20, MemoryCheck.imagesPerCall(50e6, 4096, available, "cpu()", 256, 256, log::add));
		assertEquals(1, log.size(), log.toString());
		assertTrue(log.get(0).contains("20 of the 4096 images") && log.get(0).contains("2.0 GB available on cpu()") &&
			log.get(0).contains("MemAvailable"), log.get(0));
	}

	@Test
	void oneImageLargerThanWhatIsAvailableIsRefusedNamingTheFigure() {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryCheck
			.imagesPerCall(3e9, 1, new MemoryCheck.Available(2_000_000_000L, "left under memory.max of this cgroup"),
				"cpu()", 1024, 1024, line -> {}));
		assertTrue(e.getMessage().contains("2.0 GB available on cpu()") && e.getMessage().contains("cgroup") && e
			.getMessage().contains("refusing before allocating"), e.getMessage());
	}

	@Test
	void theJavaHeapKeepsTheRoomItMayStillGrowIntoButNeverMoreThanHalf() {
		final MemoryCheck.Available system = new MemoryCheck.Available(16_000_000_000L, "MemAvailable in " +
			"/proc/meminfo");
		final MemoryCheck.Available host = MemoryCheck.hostAvailable(system, 4_000_000_000L);
		assertEquals(12_000_000_000L, host.bytes);
		assertTrue(host.source.contains("16.0 GB MemAvailable") && host.source.contains("less 4.0 GB the Java heap"),
			host.source);
		assertEquals(8_000_000_000L, MemoryCheck.hostAvailable(system, 64_000_000_000L).bytes);
		assertEquals(system.bytes, MemoryCheck.hostAvailable(system, 0).bytes);
		assertEquals(-1, MemoryCheck.hostAvailable(new MemoryCheck.Available(-1, "unknown"), 1L << 30).bytes);
	}

	@Test
	void memAvailableIsReadFromMeminfoInBytes() {
		assertEquals(20_131_388L * 1024, MemoryCheck.meminfoAvailable(List.of("MemTotal:       32617160 kB",
			"MemFree:         1234567 kB", "MemAvailable:   20131388 kB", "Buffers:          123456 kB")));
		assertEquals(-1, MemoryCheck.meminfoAvailable(List.of("MemTotal:       32617160 kB",
			"MemFree:         1234567 kB")));
		assertEquals(-1, MemoryCheck.meminfoAvailable(List.of("MemAvailable: 99999999999999999999 kB")));
	}

	@Test
	void aCgroupLimitCountsOnlyWhenItIsANumber() {
		assertEquals(1L << 30, MemoryCheck.cgroupRoom(List.of("4294967296"), List.of("3221225472")));
		assertEquals(-1, MemoryCheck.cgroupRoom(List.of("max"), List.of("3221225472")));
		assertEquals(-1, MemoryCheck.cgroupRoom(List.of(), List.of()));
		assertEquals(0, MemoryCheck.cgroupRoom(List.of("1000"), List.of("2000")));
	}

	@Test
	void theCpuFigureIsWhatIsAvailableNotThePhysicalTotal() {
		final MemoryCheck.Available a = MemoryCheck.available(Device.cpu());
		@SuppressWarnings("deprecation")
		final long physical = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getTotalPhysicalMemorySize();
		assertTrue(a.bytes > 0 && a.bytes < physical, a.bytes + " of " + physical + " (" + a.source + ")");
		if (Files.isReadable(Path.of("/proc/meminfo"))) assertTrue(a.source.contains("MemAvailable") || a.source
			.contains("cgroup"), a.source);
	}
}
