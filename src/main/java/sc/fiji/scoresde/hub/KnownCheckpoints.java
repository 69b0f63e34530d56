package sc.fiji.scoresde.hub;

import java.util.List;

/**
 * The published NCSN++ checkpoints of Song et al. as diffusers pipelines on the hub, with what a user needs to
 * choose among them (sizes as the hub lists the pickle weights; σmax from the paper's configs/ve/*.py).
 */
public final class KnownCheckpoints {

	/** One checkpoint. */
	public static final class Checkpoint {

		public final String id;
		public final int resolution;
		public final int megabytes;
		public final double sigmaMax;

		Checkpoint(final String id, final int resolution, final int megabytes, final double sigmaMax) {
			this.id = id;
			this.resolution = resolution;
			this.megabytes = megabytes;
			this.sigmaMax = sigmaMax;
		}

		/** "google/ncsnpp-celebahq-256 (256×256, 263 MB, σmax 348)" */
		public String label() {
			return String.format(java.util.Locale.ROOT, "%s (%d×%d, %d MB, σmax %.0f)", id, resolution, resolution,
				megabytes, sigmaMax);
		}
	}

	public static final List<Checkpoint> ALL = List.of(new Checkpoint("google/ncsnpp-celebahq-256", 256, 263, 348),
		new Checkpoint("google/ncsnpp-ffhq-256", 256, 263, 348), new Checkpoint("google/ncsnpp-church-256", 256, 263,
			380), new Checkpoint("google/ncsnpp-bedroom-256", 256, 263, 378), new Checkpoint("google/ncsnpp-ffhq-1024",
				1024, 423, 1348));

	private KnownCheckpoints() {}

	/** The id in a label made by {@link Checkpoint#label()}, or the text itself. */
	public static String idOf(final String labelOrId) {
		final int space = labelOrId.indexOf(' ');
		return space > 0 ? labelOrId.substring(0, space) : labelOrId;
	}
}
