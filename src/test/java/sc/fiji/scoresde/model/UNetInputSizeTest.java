package sc.fiji.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** Which image sizes a UNet takes, and the feature-map sides the memory estimate counts. */
class UNetInputSizeTest {

	private static final String SOURCE = "/m/unet/config.json";

	/**
	 * The rule of {@link UNet2DConfig#checkInputSize} is the network's own: for conv downsamplers (padding 1 and
	 * 0) and for the FIR Skip blocks of NCSN++, a side goes through exactly when it is a multiple of 2^(levels − 1).
	 */
	@Test
	void theNetworkTakesExactlyTheSidesThatAreMultiplesOfTheDownsamplingFactor() throws Exception {
		for (final String json : new String[] { UNet2DConfigTest.demo(), UNet2DConfigTest.demoWith(
			"downsample_padding", "0"), UNet2DConfigTest.ncsnppTiny() }) {
			final UNet2DConfig c = UNet2DConfig.parse(json, SOURCE);
			try (NDManager m = NDManager.newBaseManager(Device.cpu());
				UNet2DModel unet = new UNet2DModel(c, m.newSubManager()))
			{
				unet.loadWeights(RandomWeights.stateDict(unet, 0), "random", w -> {});
				final int f = c.downsamplingFactor();
				for (final int side : new int[] { f / 2, f + 1, f + f / 2, 2 * f, 3 * f }) {
					boolean runs;
					try (NDManager call = m.newSubManager()) {
						unet.forward(call.zeros(new Shape(1, c.inChannels, side, side + f)), call.ones(new Shape(1)), null);
						runs = true;
					}
					catch (final EngineException e) {
						runs = false;
					}
					final int s = side;
					final boolean admitted = !refuses(() -> c.checkInputSize(s, s + f, "x"));
					assertEquals(runs, admitted, "side " + side + ", factor " + c.downsamplingFactor());
				}
			}
		}
	}

	/** Whether the size check refuses; its message must then say what the sides must be. */
	private static boolean refuses(final Runnable r) {
		try {
			r.run();
			return false;
		}
		catch (final IllegalArgumentException e) {
			assertTrue(e.getMessage().contains("multiples of"), e.getMessage());
			return true;
		}
	}

	@Test
	void anInputSizeTheNetworkCannotTakeIsRefusedWithTheSizeToCropTo() throws Exception {
		final UNet2DConfig c = UNet2DConfig.parse(UNet2DConfigTest.demo().replace("\"sample_size\": 28,", ""), SOURCE);
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.checkInputSize(33, 35,
			"the image a.png"));
		assertTrue(e.getMessage().startsWith("the image a.png is 35×33") && e.getMessage().contains("multiples of 4") &&
			e.getMessage().contains("32×32"), e.getMessage());
		c.checkInputSize(2048, 36, "the image b.png");
	}

	@Test
	void featureMapSidesFollowTheDownsamplersArithmetic() throws Exception {
		final UNet2DConfig one = UNet2DConfig.parse(UNet2DConfigTest.demo(), SOURCE);
		final UNet2DConfig zero = UNet2DConfig.parse(UNet2DConfigTest.demoWith("downsample_padding", "0"), SOURCE);
		for (final UNet2DConfig c : new UNet2DConfig[] { one, zero }) {
			assertEquals(4, c.downsamplingFactor());
			assertEquals(28, c.levelSide(28, 0));
			assertEquals(14, c.levelSide(28, 1));
			assertEquals(7, c.levelSide(28, 2));
			assertEquals(512, c.levelSide(2048, 2));
		}
		assertEquals(8, UNet2DConfig.parse(UNet2DConfigTest.ncsnppTiny(), SOURCE).downsamplingFactor());
	}
}
