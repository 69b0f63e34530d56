package sc.fiji.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.weights.PipelineFolder;

/**
 * The network can be trained: autograd goes through every block (the in-place updates of inference step aside while
 * a GradientCollector records), and its gradients agree with finite differences.
 */
class UNetGradientTest {

	static double loss(final UNet2DModel unet, final NDArray x, final NDArray sigma) {
		try (NDManager call = x.getManager().newSubManager()) {
			x.tempAttach(call);
			return unet.forward(x, sigma, null).mul(sigma.reshape(-1, 1, 1, 1)).square().sum().getFloat();
		}
	}

	@Test
	void everyParameterGetsAGradientThatMatchesFiniteDifferences() throws Exception {
		final PipelineFolder f = PipelineFolder.open(Fixtures.dir("ncsnpp-tiny").resolve("pipeline"), true);
		try (NDManager m = NDManager.newBaseManager(Device.cpu());
			UNet2DModel unet = new UNet2DModel(f.unetConfig, m.newSubManager()))
		{
			unet.loadWeights(f.readWeights(), "ncsnpp-tiny", w -> {});
			final NDArray x = m.randomNormal(0, 1, new Shape(2, 3, 32, 32), ai.djl.ndarray.types.DataType.FLOAT32);
			final NDArray sigma = m.create(new float[] { 0.5f, 2f });
			for (final Parameter p : unet.parameters().parameters().values())
				p.get().setRequiresGradient(true);
			try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
				final NDArray out = unet.forward(x, sigma, null);
				gc.backward(out.mul(sigma.reshape(-1, 1, 1, 1)).square().sum());
			}
			int withGradient = 0;
			for (final Parameter p : unet.parameters().parameters().values())
				if (p.get().getGradient().abs().sum().getFloat() > 0) withGradient++;
			assertEquals(unet.parameters().parameters().size(), withGradient, "parameters with a non-zero gradient");

			// central differences on single entries (float32, so a loose tolerance)
			final String[] keys = { "conv_out.bias", "mid_block.attentions.0.to_q.weight", "down_blocks.0.resnets.0.norm1.weight",
				"time_embedding.linear_1.weight", "up_blocks.1.skip_conv.weight" };
			final float[][] analytic = new float[keys.length][];
			for (int k = 0; k < keys.length; k++)
				analytic[k] = unet.parameters().parameters().get(keys[k]).get().getGradient().toFloatArray();
			for (final Parameter p : unet.parameters().parameters().values())
				p.get().setRequiresGradient(false);
			for (int k = 0; k < keys.length; k++) {
				final NDArray w = unet.parameters().parameters().get(keys[k]).get();
				final float[] values = w.toFloatArray();
				int index = 0;
				for (int i = 1; i < analytic[k].length; i++)
					if (Math.abs(analytic[k][i]) > Math.abs(analytic[k][index])) index = i;
				final float h = Math.max(1e-3f, Math.abs(values[index]) * 1e-2f);
				// perturb in place: views of the weight (GroupNorm keeps a broadcast view) see the change
				final float[] oneHot = new float[values.length];
				oneHot[index] = h;
				final NDArray delta = m.create(oneHot, w.getShape());
				w.addi(delta);
				final double up = loss(unet, x, sigma);
				w.subi(delta).subi(delta);
				final double down = loss(unet, x, sigma);
				w.addi(delta);
				final double numeric = (up - down) / (2 * h);
				final double relative = Math.abs(numeric - analytic[k][index]) / Math.max(1e-6, Math.abs(numeric));
				assertTrue(relative < 3e-2, keys[k] + "[" + index + "]: autograd " + analytic[k][index] + ", finite " +
					"differences " + numeric);
			}
		}
	}

	/**
	 * DJL wraps a number operand (x.mul(2f)) in a tensor over a Java direct buffer and closes it after the op, while
	 * autograd keeps it for the backward pass: a GC between forward and backward freed it and the gradient read freed
	 * memory (NaN or arbitrary values; seen in the likelihood's divergence and as "non-finite gradient" training
	 * steps). With the memory reused in between, the gradient must still equal the one computed without a GC, both
	 * for the input (vector–Jacobian products) and for the parameters through the training loss.
	 */
	@Test
	void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
		for (final java.nio.file.Path folder : new java.nio.file.Path[] { Fixtures.dir("ncsnpp-tiny").resolve(
			"pipeline"), java.nio.file.Path.of("src/main/resources/sc/fiji/scoresde/default-model") })
		{
			final PipelineFolder f = PipelineFolder.open(folder, true);
			try (NDManager m = NDManager.newBaseManager(Device.cpu());
				UNet2DModel unet = new UNet2DModel(f.unetConfig, m.newSubManager()))
			{
				unet.loadWeights(f.readWeights(), folder.toString(), w -> {});
				final Shape shape = new Shape(2, f.unetConfig.inChannels, f.unetConfig.height(), f.unetConfig.width());
				final float[] x = m.randomUniform(0, 1, shape).toFloatArray();
				final float[] v = m.randomNormal(shape).toFloatArray();
				final float[] reference = inputGradient(unet, m, x, v, shape, false);
				for (int run = 0; run < 3; run++)
					assertArrayEquals(reference, inputGradient(unet, m, x, v, shape, true), folder + ": the input " +
						"gradient changed when the garbage collector ran between forward and backward (run " + run + ")");
				final Parameter p = unet.parameters().parameters().get("conv_in.weight");
				final float[] lossReference = lossGradient(unet, m, x, shape, p, false);
				assertArrayEquals(lossReference, lossGradient(unet, m, x, shape, p, true), folder + ": the training " +
					"loss gradient changed when the garbage collector ran between forward and backward");
			}
		}
	}

	/** Frees what the collector can free, then fills freed native memory with other small direct buffers. */
	private static java.util.List<NDArray> collectAndReuse(final NDManager m) throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(30);
		}
		final java.util.List<NDArray> filler = new java.util.ArrayList<>();
		for (int i = 0; i < 2000; i++)
			filler.add(m.create(new float[] { 1e30f, -1e30f, Float.NaN, 7f }));
		return filler;
	}

	private static float[] inputGradient(final UNet2DModel unet, final NDManager m, final float[] x, final float[] v,
		final Shape shape, final boolean collect) throws InterruptedException
	{
		try (NDManager call = m.newSubManager()) {
			final NDArray in = call.create(x, shape);
			in.setRequiresGradient(true);
			final NDArray probe = call.create(v, shape);
			try (GradientCollector gc = call.getEngine().newGradientCollector()) {
				final NDArray out;
				// as LoadedModel.scoreModel: the call's intermediates are closed before the backward pass
				try (NDManager inner = call.newSubManager()) {
					in.tempAttach(inner);
					out = unet.forward(in, inner.create(new float[] { 0.3f, 4f }), null);
					out.attach(call);
				}
				final java.util.List<NDArray> filler = collect ? collectAndReuse(call) : java.util.List.of();
				gc.backward(out.mul(probe).sum());
				assertTrue(filler.size() >= 0);
			}
			return in.getGradient().toFloatArray();
		}
	}

	private static float[] lossGradient(final UNet2DModel unet, final NDManager m, final float[] x, final Shape shape,
		final Parameter p, final boolean collect) throws InterruptedException
	{
		try (NDManager call = m.newSubManager()) {
			p.get().setRequiresGradient(true);
			final NDArray xa = call.create(x, shape);
			final float[] noise = new float[x.length];
			final java.util.Random r = new java.util.Random(3);
			for (int i = 0; i < noise.length; i++)
				noise[i] = (float) r.nextGaussian();
			final NDArray z = call.create(noise, shape);
			final NDArray sigmas = call.create(new float[] { 0.3f, 4f });
			final sc.fiji.scoresde.train.DenoisingScoreMatching dsm = new sc.fiji.scoresde.train.DenoisingScoreMatching(
				new sc.fiji.scoresde.sampling.VeSde(0.01, 20, 1e-5), sc.fiji.scoresde.train.DenoisingScoreMatching.Weighting
					.EDM, 0.5);
			try (GradientCollector gc = call.getEngine().newGradientCollector()) {
				final NDArray loss = dsm.loss((in, s) -> unet.forward(in, s, null), xa, sigmas, z);
				final java.util.List<NDArray> filler = collect ? collectAndReuse(call) : java.util.List.of();
				gc.backward(loss);
				assertTrue(filler.size() >= 0);
			}
			final float[] g = p.get().getGradient().toFloatArray();
			ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.get());
			p.get().setRequiresGradient(false);
			return g;
		}
	}
}
