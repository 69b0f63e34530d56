package sc.fiji.scoresde.model;

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
import sc.fiji.scoresde.io.PipelineFolder;

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
}
