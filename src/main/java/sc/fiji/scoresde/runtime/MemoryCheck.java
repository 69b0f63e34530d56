package sc.fiji.scoresde.runtime;

import ai.djl.Device;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import sc.fiji.scoresde.model.UNet2DConfig;

/**
 * Refuses, before anything is allocated, requests whose tensors cannot fit in memory, and picks how many images a
 * network call may take at once. The estimate counts the activations one UNet call keeps alive (they are freed per
 * call), per image; it is deliberately rough and errs high (1–2× the measured peak).
 */
public final class MemoryCheck {

	private MemoryCheck() {}

	/** Bytes of activations one network call on one image of the config's sample_size keeps alive. */
	public static long bytesPerImage(final UNet2DConfig c) {
		if (c.sampleSize == null) throw new IllegalArgumentException("the config has no sample_size; give the " +
			"image size");
		return (long) Math.min(Long.MAX_VALUE, bytesPerImage(c, c.height(), c.width()));
	}

	/**
	 * Bytes of activations one network call on one height×width image keeps alive, in double: a hostile size makes
	 * it astronomically large, never negative.
	 */
	public static double bytesPerImage(final UNet2DConfig c, final int height, final int width) {
		final int levels = c.blockOutChannels.length;
		double floats = 0;
		for (int l = 0; l < levels; l++) {
			final double pixels = (double) c.levelSide(height, l) * c.levelSide(width, l);
			final double channels = c.blockOutChannels[l];
			// down: layers_per_block resnets (+ one that resamples); up: one more resnet on concatenated input
			final double resnets = c.layersPerBlock + 1 + (c.layersPerBlock + 1) * 1.5 + 1;
			floats += resnets * 12 * channels * pixels;
			final boolean attention = c.downBlockTypes.get(l).contains("Attn") || c.upBlockTypes.get(levels - 1 - l)
				.contains("Attn");
			if (attention) {
				final double heads = c.attentionHeadDim == null ? 1 : Math.max(1, channels / c.attentionHeadDim);
				floats += (c.layersPerBlock + 2) * (8 * channels * pixels + 3.0 * heads * pixels * pixels);
			}
		}
		// blocks free their intermediates when they return (UNet2DModel); calibrated against bench-scaling, this
		// estimate is 1–2× the measured peak (docs/scaling.txt)
		return floats * 4 * 0.5;
	}

	/** Memory a run may use now, and where the figure comes from (said in the log). */
	static final class Available {

		/** bytes; −1 when unknown */
		final long bytes;
		/** e.g. "20.1 GB MemAvailable in /proc/meminfo less 4.0 GB the Java heap may still take" */
		final String source;

		Available(final long bytes, final String source) {
			this.bytes = bytes;
			this.source = source;
		}
	}

	/**
	 * What the device has free now: on a GPU its free memory; on the CPU what the kernel could hand out without
	 * swapping (free + reclaimable: MemAvailable on Linux, also within a cgroup's limit; the JVM's free physical
	 * memory elsewhere), less the part of the Java heap not yet taken from the system, which the host copies of
	 * the results may still claim (at most half of what is available).
	 */
	static Available available(final Device device) {
		if (device.isGpu()) {
			try {
				final java.lang.management.MemoryUsage gpu = ai.djl.util.cuda.CudaUtils.getGpuMemory(device);
				return new Available(gpu.getMax() - gpu.getUsed(), "cudaMemGetInfo: free of " + gigabytes(gpu
					.getMax()));
			}
			catch (final RuntimeException | LinkageError e) {
				return new Available(-1, "unknown");
			}
		}
		final Runtime java = Runtime.getRuntime();
		return hostAvailable(systemAvailable(), java.maxMemory() - java.totalMemory());
	}

	/** What the system could hand out now without swapping: free + reclaimable, within the cgroup's limit. */
	static Available systemAvailable() {
		Available a = new Available(meminfoAvailable(read(Paths.get("/proc/meminfo"))), "MemAvailable in " +
			"/proc/meminfo");
		if (a.bytes <= 0) {
			final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
			if (os instanceof com.sun.management.OperatingSystemMXBean) {
				@SuppressWarnings("deprecation")
				final long free = ((com.sun.management.OperatingSystemMXBean) os).getFreePhysicalMemorySize();
				a = new Available(free, "free physical memory");
			}
		}
		final Path cgroup = Paths.get("/sys/fs/cgroup");
		final long room = cgroupRoom(read(cgroup.resolve("memory.max")), read(cgroup.resolve("memory.current")));
		if (room >= 0 && (a.bytes <= 0 || room < a.bytes)) a = new Available(room, "left under memory.max of this " +
			"cgroup");
		return a;
	}

	/** MemAvailable of /proc/meminfo in bytes, −1 when absent (kernels before 3.14, other systems). */
	static long meminfoAvailable(final List<String> meminfo) {
		for (final String line : meminfo) {
			final String[] f = line.trim().split("\\s+");
			if (f.length == 3 && f[0].equals("MemAvailable:") && f[2].equals("kB")) {
				try {
					return Math.multiplyExact(Long.parseLong(f[1]), 1024L);
				}
				catch (final ArithmeticException | NumberFormatException e) {
					return -1;
				}
			}
		}
		return -1;
	}

	/** memory.max − memory.current of a cgroup v2, −1 without a limit ("max") or figures. */
	static long cgroupRoom(final List<String> max, final List<String> current) {
		if (max.size() != 1 || current.size() != 1) return -1;
		try {
			return Math.max(0, Long.parseLong(max.get(0).trim()) - Long.parseLong(current.get(0).trim()));
		}
		catch (final NumberFormatException e) {
			return -1;
		}
	}

	/** The lines of a small kernel file; none when it cannot be read. */
	private static List<String> read(final Path kernelFile) {
		try {
			return Files.readAllLines(kernelFile);
		}
		catch (final IOException | RuntimeException e) {
			return List.of();
		}
	}

	/** Memory for native tensors: the system's figure less the room the Java heap may still grow into. */
	static Available hostAvailable(final Available system, final long heapRoom) {
		if (system.bytes <= 0) return system;
		final long reserved = Math.max(0, Math.min(heapRoom, system.bytes / 2));
		if (reserved == 0) return system;
		return new Available(system.bytes - reserved, gigabytes(system.bytes) + " " + system.source + " less " +
			gigabytes(reserved) + " the Java heap may still take");
	}

	/**
	 * The number of images per network call on height×width inputs (the config's sample_size for generation, the
	 * user's image for restoration and likelihood): the whole batch when it fits in half the memory available on the
	 * device now, fewer when not; an error, before anything is allocated, when the network cannot take that size or
	 * not even one image fits.
	 *
	 * @param what names the input in messages, e.g. "the image /data/x.png"
	 */
	public static int imagesPerCall(final UNet2DConfig c, final int height, final int width, final String what,
		final int batch, final Device device, final Consumer<String> log)
	{
		c.checkInputSize(height, width, what);
		return imagesPerCall(bytesPerImage(c, height, width), batch, available(device), device.toString(), height,
			width, log);
	}

	/** As {@link #imagesPerCall(double, int, Available, String, int, int, Consumer)} with a bare figure (tests). */
	static int imagesPerCall(final double perImage, final int batch, final long memory, final String device,
		final int height, final int width, final Consumer<String> log)
	{
		return imagesPerCall(perImage, batch, new Available(memory, "available"), device, height, width, log);
	}

	static int imagesPerCall(final double perImage, final int batch, final Available available, final String device,
		final int height, final int width, final Consumer<String> log)
	{
		final long memory = available.bytes;
		if (memory <= 0) return batch;
		if (perImage > memory) throw new IllegalArgumentException(String.format(Locale.ROOT,
			"a network call on one %d×%d image of this model needs %s, more than the %s available on %s now (%s); " +
				"refusing before allocating (use a smaller image or sample_size, free memory, or a larger device)",
			width, height, about(perImage), gigabytes(memory), device, available.source));
		final long fit = (long) Math.max(1, Math.floor(memory / 2.0 / Math.max(1, perImage)));
		if (fit < batch) {
			log.accept(String.format(Locale.ROOT, "network calls take %d of the %d images at a time to fit half " +
				"the %s available on %s (%s; %s per image)", fit, batch, gigabytes(memory), device, available.source,
				about(perImage)));
			return (int) fit;
		}
		return batch;
	}

	/** "3.2 GB", "0.05 GB". */
	static String gigabytes(final double bytes) {
		return String.format(Locale.ROOT, bytes < 1e8 ? "%.2f GB" : "%.1f GB", bytes / 1e9);
	}

	/** "about 3.2 GB" for an estimate; a hostile size gives "more than a million GB", not twenty digits. */
	static String about(final double bytes) {
		return bytes < 1e15 ? "about " + gigabytes(bytes) : "more than a million GB";
	}
}
