package sc.fiji.scoresde.eval;

import java.util.Random;

import sc.fiji.scoresde.train.TrainingImages;

/**
 * The project's Fréchet statistic: a fixed PCA fitted on training images, and the Gaussian of test images 0…n−count−1
 * in that space as the reference; sample sets are compared with it. The last {@code count} test images are the
 * held-out set, whose distance is what a perfect model reaches with that many images.
 */
public final class FrechetEvaluation {

	public final int components;
	public final int dims;
	public final int trainImages;
	/** index of the first held-out test image; the reference is test images 0…reference−1 */
	public final int reference;
	public final int testImages;
	private final PcaProjection pca;
	private final FrechetDistance.Gaussian referenceStats;
	private final FrechetDistance.Gaussian heldOut;

	/**
	 * @param count the size of the compared sets (the held-out set is the last {@code count} test images)
	 */
	public FrechetEvaluation(final TrainingImages train, final TrainingImages test, final int components,
		final int count)
	{
		if (count < 2) throw new IllegalArgumentException("a compared set needs at least 2 images, got " + count);
		this.components = components;
		this.dims = dimsOf(train);
		if (test.channels != train.channels || dimsOf(test) != dims) throw new IllegalArgumentException("the test " +
			"images (" + test.channels + " channels, " + dimsOf(test) + " values) do not match the training images (" +
			train.channels + " channels, " + dims + " values)");
		if (test.count() <= count + 1) throw new IllegalArgumentException("the test set must hold more than " +
			(count + 1) + " images to keep " + count + " of them apart; it has " + test.count());
		this.trainImages = train.count();
		this.testImages = test.count();
		this.pca = PcaProjection.fit(flatten(train, train.count(), 0), train.count(), dims, components);
		this.reference = test.count() - count;
		this.referenceStats = FrechetDistance.Gaussian.of(pca.project(flatten(test, reference, 0), reference));
		this.heldOut = FrechetDistance.Gaussian.of(pca.project(flatten(test, count, reference), count));
	}

	/** @param planar n images of {@link #dims} values, (C, H, W) each */
	public double distance(final float[] planar, final int n) {
		return FrechetDistance.distance(FrechetDistance.Gaussian.of(pca.project(planar, n)), referenceStats);
	}

	public double heldOutDistance() {
		return FrechetDistance.distance(heldOut, referenceStats);
	}

	/** The distance of n images of uniform noise in [0, 1). */
	public double noiseDistance(final int n, final long seed) {
		final float[] noise = new float[n * dims];
		final Random random = new Random(seed);
		for (int i = 0; i < noise.length; i++)
			noise[i] = random.nextFloat();
		return distance(noise, n);
	}

	/** NHWC (as generated) to planar (C, H, W), the layout the PCA was fitted on. */
	public static float[] planar(final float[] nhwc, final int n, final int h, final int w, final int c) {
		final float[] out = new float[nhwc.length];
		final int dims = c * h * w;
		for (int i = 0; i < n; i++)
			for (int ch = 0; ch < c; ch++)
				for (int p = 0; p < h * w; p++)
					out[i * dims + ch * h * w + p] = nhwc[(i * h * w + p) * c + ch];
		return out;
	}

	/** n images of a set from index {@code from}, concatenated. */
	public static float[] flatten(final TrainingImages set, final int n, final int from) {
		final int dims = dimsOf(set);
		final float[] out = new float[n * dims];
		for (int i = 0; i < n; i++) {
			final float[] v = set.images().get(from + i).chw;
			if (v.length != dims) throw new IllegalArgumentException(set.images().get(from + i).source + " has " +
				v.length + " values, not " + dims);
			System.arraycopy(v, 0, out, i * dims, dims);
		}
		return out;
	}

	private static int dimsOf(final TrainingImages set) {
		final TrainingImages.Image first = set.images().get(0);
		return set.channels * first.height * first.width;
	}
}
