package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.model.ModelConfigException;
import sc.fiji.scoresde.model.UNet2DConfig;

/** Model folders that cannot be used say which file, which key and what was expected. */
class ModelLoadingErrorsTest {

	private static void editConfig(final Path pipeline, final String from, final String to) throws Exception {
		final Path c = pipeline.resolve("unet/config.json");
		final String s = new String(Files.readAllBytes(c), StandardCharsets.UTF_8);
		assertTrue(s.contains(from), from);
		Files.write(c, s.replace(from, to).getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void unknownBlockTypeIsNamed(@TempDir final Path dir) throws Exception {
		final Path p = Fixtures.copyPipeline("ncsnpp-tiny", dir);
		editConfig(p, "\"AttnSkipDownBlock2D\"", "\"CrossAttnDownBlock2D\"");
		final ModelConfigException e = assertThrows(ModelConfigException.class, () -> PipelineFolder.open(p, true));
		assertTrue(e.getMessage().contains("CrossAttnDownBlock2D") && e.getMessage().contains("config.json"), e
			.getMessage());
	}

	@Test
	void unknownKeyAndBadValueAreNamed() {
		ModelConfigException e = assertThrows(ModelConfigException.class, () -> UNet2DConfig.parse(
			"{\"cross_attention_dim\": 768}", "cfg.json"));
		assertTrue(e.getMessage().contains("'cross_attention_dim'") && e.getMessage().contains("768"), e.getMessage());
		e = assertThrows(ModelConfigException.class, () -> UNet2DConfig.parse("{\"layers_per_block\": \"two\"}",
			"cfg.json"));
		assertTrue(e.getMessage().contains("'layers_per_block'") && e.getMessage().contains("two"), e.getMessage());
		e = assertThrows(ModelConfigException.class, () -> UNet2DConfig.parse("{\"time_embedding_type\": \"learned\"}",
			"cfg.json"));
		assertTrue(e.getMessage().contains("learned"), e.getMessage());
	}

	@Test
	void groupCountThatDiffusersRejectsIsReported() {
		// AttnSkipUpBlock2D: min(a + b // 4, 32) groups for 32 + 32 channels gives 32 groups: fine; with 24 channels
		// the skip up block would need 30 groups for 48 channels, which does not divide
		final ModelConfigException e = assertThrows(ModelConfigException.class, () -> new sc.fiji.scoresde.model.UNet2DModel(
			UNet2DConfig.parse("{\"block_out_channels\":[24,24],\"down_block_types\":[\"SkipDownBlock2D\"," +
				"\"SkipDownBlock2D\"],\"up_block_types\":[\"AttnSkipUpBlock2D\",\"SkipUpBlock2D\"]," +
				"\"norm_num_groups\":null,\"attention_head_dim\":null,\"time_embedding_type\":\"fourier\"}", "cfg"),
			null));
		assertTrue(e.getMessage().contains("groups"), e.getMessage());
	}

	@Test
	void missingUnexpectedAndMisShapedWeightsAreListedTogether(@TempDir final Path dir) throws Exception {
		final Path p = Fixtures.copyPipeline("ncsnpp-tiny", dir);
		final Path w = p.resolve("unet/diffusion_pytorch_model.safetensors");
		final Map<String, HostTensor> t = new LinkedHashMap<>(SafeTensors.read(w));
		t.remove("conv_in.bias");
		t.remove("mid_block.attentions.0.to_q.weight");
		t.put("extra.weight", HostTensor.ofFloats(new long[] { 1 }, new float[] { 1 }));
		t.put("conv_out.bias", HostTensor.ofFloats(new long[] { 4 }, new float[4]));
		SafeTensors.write(w, t, null);
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> LoadedModel.load(p, Device
			.cpu(), s -> {}));
		final String m = e.getMessage();
		assertTrue(m.contains("2 missing, 1 unexpected, 1 mis-shaped"), m);
		assertTrue(m.contains("conv_in.bias") && m.contains("mid_block.attentions.0.to_q.weight") && m.contains(
			"extra.weight") && m.contains("conv_out.bias: file has [4]"), m);
	}

	@Test
	void nonFiniteWeightsLoadWithAWarning(@TempDir final Path dir) throws Exception {
		final Path p = Fixtures.copyPipeline("ncsnpp-tiny", dir);
		final Path w = p.resolve("unet/diffusion_pytorch_model.safetensors");
		final Map<String, HostTensor> t = new LinkedHashMap<>(SafeTensors.read(w));
		t.put("conv_out.bias", HostTensor.ofFloats(new long[] { 3 }, new float[] { Float.NaN, 0, Float
			.POSITIVE_INFINITY }));
		SafeTensors.write(w, t, null);
		final StringBuilder warnings = new StringBuilder();
		try (LoadedModel m = LoadedModel.load(p, Device.cpu(), s -> warnings.append(s).append('\n'))) {
			assertTrue(warnings.toString().contains("conv_out.bias has 2 non-finite values"), warnings.toString());
		}
	}

	@Test
	void folderLayoutsAreRecognised(@TempDir final Path dir) throws Exception {
		final Path p = Fixtures.copyPipeline("ncsnpp-tiny", dir);
		assertEquals(p.resolve("scheduler/scheduler_config.json"), PipelineFolder.open(p, true).schedulerConfigFile);
		final PipelineFolder unetOnly = PipelineFolder.open(p.resolve("unet"), true);
		assertEquals(null, unetOnly.schedulerConfigFile, "a UNet folder uses the scheduler defaults");
		assertEquals(1348.0, unetOnly.schedulerConfig.sigmaMax);
		final PipelineFolder file = PipelineFolder.open(p.resolve("unet/diffusion_pytorch_model.safetensors"), true);
		assertEquals(p.resolve("unet/config.json"), file.unetConfigFile);
		// some hub revisions name the UNet component "model"
		Files.move(p.resolve("unet"), p.resolve("model"));
		Files.write(p.resolve("model_index.json"), ("{\"_class_name\":\"ScoreSdeVePipeline\",\"model\":[\"diffusers\"," +
			"\"UNet2DModel\"],\"scheduler\":[\"diffusers\",\"ScoreSdeVeScheduler\"]}").getBytes(StandardCharsets.UTF_8));
		assertEquals(p.resolve("model/config.json"), PipelineFolder.open(p, true).unetConfigFile);
		Files.delete(p.resolve("model/diffusion_pytorch_model.safetensors"));
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> PipelineFolder.open(p, true));
		assertTrue(e.getMessage().contains("no weights"), e.getMessage());
	}
}
