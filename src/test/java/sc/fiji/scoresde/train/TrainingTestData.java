package sc.fiji.scoresde.train;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small synthetic training sets and the tiny test architecture. */
final class TrainingTestData {

	private TrainingTestData() {}

	/** A 2-level, 8×8 architecture with attention (configs/tiny-train/config.json): trains in milliseconds a step. */
	static String tinyArchitecture() {
		try {
			return Paths.get(TrainingTestData.class.getResource("/configs/tiny-train/config.json").toURI()).toString();
		}
		catch (final URISyntaxException e) {
			throw new IllegalStateException(e);
		}
	}

	static Path tinyArchitecturePath() {
		return Paths.get(tinyArchitecture());
	}

	/** Bright squares at random places on black, 1 × side × side, in [0, 1]. */
	static TrainingImages squares(final int count, final int side, final long seed) {
		final Random random = new Random(seed);
		final List<TrainingImages.Image> images = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			final float[] v = new float[side * side];
			final int s = 2 + random.nextInt(side / 2), x0 = random.nextInt(side - s + 1), y0 = random.nextInt(side -
				s + 1);
			for (int y = y0; y < y0 + s; y++)
				for (int x = x0; x < x0 + s; x++)
					v[y * side + x] = 1;
			images.add(new TrainingImages.Image("square " + i, side, side, v));
		}
		return new TrainingImages(1, images, "synthetic");
	}

	static TrainingOptions quick(final int steps) {
		final TrainingOptions o = new TrainingOptions();
		o.architecture = tinyArchitecture();
		o.steps = steps;
		o.batch = 8;
		o.learningRate = 2e-3;
		o.device = "cpu";
		o.checkpointEvery = 1000;
		return o;
	}
}
