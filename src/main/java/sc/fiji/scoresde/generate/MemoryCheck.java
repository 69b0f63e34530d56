package sc.fiji.scoresde.generate;

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

	/** Bytes of activations one network call on one image keeps alive. */
	public static long bytesPerImage(final UNet2DConfig c) {
		final int levels = c.blockOutChannels.length;
		double floats = 0;
		for (int l = 0; l < levels; l++) {
			final double pixels = Math.ceil(c.height() / Math.pow(2, l)) * Math.ceil(c.width() / Math.pow(2, l));
			final double channels = c.blockOutChannels[l];
			// down: layers_per_block resnets (+ one that resamples); up: one more resnet on concatenated input
			final double resnets = c.layersPerBlock + 1 + (c.layersPerBlock + 1) * 1.5 + 1;
			floats += resnets * 12 * channels * pixels;
			final boolean attention = c.downBlockTypes.get(l).contains("Attn") || c.upBlockTypes.get(levels - 1 - l)
				.contains("Attn");
			if (attention) {
				final int heads = c.attentionHeadDim == null ? 1 : (int) Math.max(1, channels / c.attentionHeadDim);
				floats += (c.layersPerBlock + 2) * (8 * channels * pixels + 3.0 * heads * pixels * pixels);
			}
		}
		// blocks free their intermediates when they return (UNet2DModel); calibrated against bench-scaling, this
		// estimate is 1–2× the measured peak (docs/scaling.txt)
		return (long) (floats * 4 * 0.5);
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
	 * The number of images per network call: the whole batch when it fits in half the device's memory, fewer when not;
	 * an error when not even one image fits.
	 */
	public static int imagesPerCall(final UNet2DConfig c, final int batch, final Device device,
		final Consumer<String> log)
	{
		return imagesPerCall(bytesPerImage(c), batch, deviceMemory(device), device.toString(), c, log);
	}

	static int imagesPerCall(final long perImage, final int batch, final long memory, final String device,
		final UNet2DConfig c, final Consumer<String> log)
	{
		if (memory <= 0) return batch;
		if (perImage > memory) throw new IllegalArgumentException(String.format(Locale.ROOT,
			"a network call on one %d×%d image of this model needs about %.1f GB, more than the %.1f GB of %s; " +
				"refusing before allocating (use a smaller sample_size or a larger device)", c.height(), c.width(),
			perImage / 1e9, memory / 1e9, device));
		final long fit = Math.max(1, memory / 2 / Math.max(1, perImage));
		if (fit < batch) {
			log.accept(String.format(Locale.ROOT, "network calls take %d of the %d images at a time to fit the %.1f GB" +
				" of %s (about %.2f GB per image)", fit, batch, memory / 1e9, device, perImage / 1e9));
			return (int) fit;
		}
		return batch;
	}
}
