package sc.fiji.scoresde.eval;

import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.sampling.SamplingListener;

/** Many samples of a model, made in chunks: chunk i is one generation run with seed {@code seed + i}. */
public final class ModelSamples {

	/** What one run counted besides the pixels. */
	public static final class Result {

		/** NHWC, clamped to [0, 1], as {@code generate} returns them */
		public final float[] nhwc;
		/** network calls of all runs together (each call scores a whole chunk) */
		public final long networkCalls;
		public final int runs;
		public final double seconds;

		Result(final float[] nhwc, final long networkCalls, final int runs, final double seconds) {
			this.nhwc = nhwc;
			this.networkCalls = networkCalls;
			this.runs = runs;
			this.seconds = seconds;
		}

		/** the network calls one image went through (the mean over runs, for adaptive samplers) */
		public double callsPerImage() {
			return networkCalls / (double) runs;
		}
	}

	private ModelSamples() {}

	/**
	 * @param template sampler settings; its batch and seed are replaced per chunk
	 * @param done called with the number of images finished after each chunk
	 */
	public static Result generate(final LoadedModel model, final GenerationRequest template, final int count,
		final int chunk, final long seed, final BooleanSupplier cancelled, final IntConsumer done)
	{
		if (count < 1 || chunk < 1) throw new IllegalArgumentException("need at least one image and a chunk of at " +
			"least one, got " + count + " and " + chunk);
		final long t0 = System.nanoTime();
		final int dims = model.unet().config().inChannels * model.unet().config().height() * model.unet().config()
			.width();
		final float[] nhwc = new float[count * dims];
		final long[] calls = { 0 };
		int made = 0, runs = 0;
		for (int i = 0; made < count; i++, runs++) {
			final GenerationRequest r = new GenerationRequest(template.sampler, Math.min(chunk, count - made), seed + i);
			final GenerationService.Hooks hooks = new GenerationService.Hooks();
			hooks.cancelled = cancelled;
			hooks.progress = new SamplingListener() {

				@Override
				public void networkCallDone(final int callsDone, final int total) {
					calls[0]++;
				}
			};
			final GeneratedImages images = GenerationService.generate(model, r, hooks);
			System.arraycopy(images.nhwc, 0, nhwc, made * dims, images.batch * dims);
			made += images.batch;
			done.accept(made);
		}
		return new Result(nhwc, calls[0], runs, (System.nanoTime() - t0) / 1e9);
	}
}
