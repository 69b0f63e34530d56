package sc.fiji.scoresde.train;

import sc.fiji.scoresde.images.IdxImages;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The training set: images of one channel count (1 grey or 3 RGB), values in [0, 1] as the paper's VE models take
 * data (centered=False), planar (C, H, W). Sizes may differ; every image must hold the crop size.
 */
public final class TrainingImages {

	/** One image, planar channels. */
	public static final class Image {

		public final String source;
		public final int height;
		public final int width;
		public final float[] chw;

		public Image(final String source, final int height, final int width, final float[] chw) {
			this.source = source;
			this.height = height;
			this.width = width;
			this.chw = chw;
		}
	}

	public final int channels;
	private final List<Image> images;
	/** how raw values were mapped to [0, 1], for the log */
	public final String scaling;

	public TrainingImages(final int channels, final List<Image> images, final String scaling) {
		if (channels != 1 && channels != 3) throw new IllegalArgumentException("training needs 1 (grey) or 3 (RGB) " +
			"channels, not " + channels);
		if (images.isEmpty()) throw new IllegalArgumentException("no training images");
		for (final Image im : images)
			if (im.chw.length != channels * im.height * im.width) throw new IllegalArgumentException(im.source +
				": " + im.chw.length + " values do not make " + channels + "×" + im.height + "×" + im.width);
		this.channels = channels;
		this.images = Collections.unmodifiableList(new ArrayList<>(images));
		this.scaling = scaling;
	}

	public int count() {
		return images.size();
	}

	public List<Image> images() {
		return images;
	}

	/** A clear error when some image is smaller than the crop. */
	public void checkCrop(final int height, final int width) {
		for (final Image im : images)
			if (im.height < height || im.width < width) throw new IllegalArgumentException(im.source + " is " +
				im.width + "×" + im.height + ", smaller than the training size " + width + "×" + height +
				" (choose a smaller size or leave such images out)");
	}

	/** The largest width and height that every image holds. */
	public int[] smallestSize() {
		int h = Integer.MAX_VALUE, w = Integer.MAX_VALUE;
		for (final Image im : images) {
			h = Math.min(h, im.height);
			w = Math.min(w, im.width);
		}
		return new int[] { h, w };
	}

	/**
	 * A batch of random crops, each mirrored left–right with probability ½ when {@code flips}: (B, C, H, W) in C
	 * order. Everything random comes from {@code random}, so a step's batch is a function of its seed.
	 */
	public float[] batch(final Random random, final int batch, final int height, final int width,
		final boolean flips)
	{
		final float[] out = new float[batch * channels * height * width];
		for (int b = 0; b < batch; b++) {
			final Image im = images.get(random.nextInt(images.size()));
			final int y0 = random.nextInt(im.height - height + 1);
			final int x0 = random.nextInt(im.width - width + 1);
			final boolean flip = flips && random.nextBoolean();
			for (int c = 0; c < channels; c++)
				for (int y = 0; y < height; y++) {
					final int src = (c * im.height + y0 + y) * im.width + x0;
					final int dst = ((b * channels + c) * height + y) * width;
					for (int x = 0; x < width; x++)
						out[dst + x] = im.chw[src + (flip ? width - 1 - x : x)];
				}
		}
		return out;
	}

	/**
	 * σmax by the rule of Song & Ermon (2020, technique 1): the largest Euclidean distance between two training
	 * images, over centre crops of the first images — as many as keep the pairwise pass near 2·10⁹ operations.
	 */
	public double largestPairwiseDistance(final int height, final int width) {
		final int dims = channels * height * width;
		final int n = (int) Math.max(2, Math.min(images.size(), Math.sqrt(4e9 / dims)));
		final float[] crops = new float[n * dims];
		for (int i = 0; i < n && i < images.size(); i++) {
			final Image im = images.get(i);
			final int y0 = (im.height - height) / 2, x0 = (im.width - width) / 2;
			for (int c = 0; c < channels; c++)
				for (int y = 0; y < height; y++)
					System.arraycopy(im.chw, (c * im.height + y0 + y) * im.width + x0, crops, i * dims + (c * height +
						y) * width, width);
		}
		return IdxImages.largestPairwiseDistance(crops, Math.min(n, images.size()), dims, n);
	}

	/** The standard deviation of all pixel values (σ_data of the EDM loss weighting). */
	public double pixelStd() {
		double sum = 0, sq = 0;
		long n = 0;
		for (final Image im : images) {
			for (final float v : im.chw) {
				sum += v;
				sq += v * (double) v;
			}
			n += im.chw.length;
		}
		final double mean = sum / n;
		return Math.sqrt(Math.max(0, sq / n - mean * mean));
	}
}
