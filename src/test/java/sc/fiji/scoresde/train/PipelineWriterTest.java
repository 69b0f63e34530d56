package sc.fiji.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.weights.PipelineWriter;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;

/** A model written as a diffusers pipeline folder loads back to identical scores. */
class PipelineWriterTest {

	@Test
	void writtenPipelineLoadsBackToIdenticalScores(@TempDir final Path dir) throws Exception {
		for (final String fixture : new String[] { "ncsnpp-tiny", "ddpm-tiny" }) {
			final Path out = dir.resolve(fixture);
			try (LoadedModel original = LoadedModel.load(Fixtures.dir(fixture).resolve("pipeline"), Device.cpu(),
				w -> {}))
			{
				PipelineWriter.write(out, original.unet(), original.schedulerConfig());
				try (LoadedModel back = LoadedModel.load(out, Device.cpu(), w -> {});
					NDManager m = NDManager.newBaseManager(Device.cpu()))
				{
					assertEquals(original.unet().parameterCount(), back.unet().parameterCount());
					assertEquals(original.schedulerConfig().sigmaMax, back.schedulerConfig().sigmaMax);
					final NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
					assertArrayEquals(original.scoreModel().score(x, 3f).toFloatArray(), back.scoreModel().score(x, 3f)
						.toFloatArray(), fixture);
				}
			}
			// and the config round-trips through our own writer and parser
			final UNet2DConfig c = PipelineFolder.open(out, true).unetConfig;
			assertEquals(new UNet2DModel(PipelineFolder.open(Fixtures.dir(fixture).resolve("pipeline"), true).unetConfig,
				null).parameterCount(), new UNet2DModel(UNet2DConfig.parse(c.toJson(), "round trip"), null)
					.parameterCount());
		}
	}
}
