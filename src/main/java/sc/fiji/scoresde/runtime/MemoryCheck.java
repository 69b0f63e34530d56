package sc.fiji.scoresde.runtime;

import ai.djl.Device;

import java.lang.management.ManagementFactory;
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

	/** Physical memory of this machine, or of the GPU when the device is one (−1 when unknown). */
	static long deviceMemory(final Device device) {
		if (device.isGpu()) {
			try {
				return ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getMax();
			}
			catch (final RuntimeException | LinkageError e) {
				return -1;
			}
		}
		final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean) {
			@SuppressWarnings("deprecation")
			final long total = ((com.sun.management.OperatingSystemMXBean) os).getTotalPhysicalMemorySize();
			return total;
		}
		return -1;
	}

	/**
	 * The number of images per network call on height×width inputs (the config's sample_size for generation, the
	 * user's image for restoration and likelihood): the whole batch when it fits in half the device's memory, fewer
	 * when not; an error, before anything is allocated, when the network cannot take that size or not even one image
	 * fits.
	 *
	 * @param what names the input in messages, e.g. "the image /data/x.png"
	 */
	public static int imagesPerCall(final UNet2DConfig c, final int height, final int width, final String what,
		final int batch, final Device device, final Consumer<String> log)
	{
		c.checkInputSize(height, width, what);
		return imagesPerCall(bytesPerImage(c, height, width), batch, deviceMemory(device), device.toString(), height,
			width, log);
	}

	static int imagesPerCall(final double perImage, final int batch, final long memory, final String device,
		final int height, final int width, final Consumer<String> log)
	{
		if (memory <= 0) return batch;
		if (perImage > memory) throw new IllegalArgumentException(String.format(Locale.ROOT,
			"a network call on one %d×%d image of this model needs %s, more than the %s of %s; " +
				"refusing before allocating (use a smaller image or sample_size, or a larger device)", width, height,
			about(perImage), gigabytes(memory), device));
		final long fit = (long) Math.max(1, Math.floor(memory / 2.0 / Math.max(1, perImage)));
		if (fit < batch) {
			log.accept(String.format(Locale.ROOT, "network calls take %d of the %d images at a time to fit the %s" +
				" of %s (%s per image)", fit, batch, gigabytes(memory), device, about(perImage)));
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
