package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * A pipeline we write holds exactly the keys of diffusers' {@code UNet2DModel(**config).state_dict()} (the lists in
 * test resources diffusers-state-dict-keys/, taken from the files diffusers wrote), so that diffusers with
 * accelerate, which refuses any missing key, loads it.
 */
class DiffusersKeySetTest {

	@ParameterizedTest
	@ValueSource(strings = { "ncsnpp-tiny", "ncsnpp-deep", "ddpm-tiny", "ddpm-fasttest" })
	void writtenWeightsHaveEveryKeyOfTheDiffusersStateDict(final String fixture, @TempDir final Path dir)
		throws Exception
	{
		final Set<String> expected = expectedKeys(fixture);
		try (LoadedModel model = LoadedModel.load(Fixtures.dir(fixture).resolve("pipeline"), Device.cpu(), w -> {})) {
			PipelineWriter.write(dir, model.unet(), model.schedulerConfig());
		}
		final Map<String, HostTensor> written = SafeTensors.read(dir.resolve("unet").resolve(
			"diffusion_pytorch_model.safetensors"));
		assertEquals(expected, new TreeSet<>(written.keySet()), fixture);
		if (written.containsKey("time_proj.W")) assertEquals(Arrays.toString(written.get("time_proj.weight")
			.toFloatArray()), Arrays.toString(written.get("time_proj.W").toFloatArray()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "ncsnpp-tiny", "ddpm-tiny" })
	void theStateDictGetsTheFourierAliasOnlyWhereTheModelHasAFourierWeight(final String fixture) throws Exception {
		final Map<String, HostTensor> ours = SafeTensors.read(Fixtures.dir(fixture).resolve("pipeline").resolve("unet")
			.resolve("diffusion_pytorch_model.safetensors"));
		ours.remove("time_proj.W");
		final Map<String, HostTensor> full = PipelineWriter.diffusersStateDict(ours);
		assertEquals(expectedKeys(fixture), new TreeSet<>(full.keySet()));
		if (ours.containsKey("time_proj.weight")) assertSame(full.get("time_proj.weight"), full.get("time_proj.W"));
	}

	/**
	 * The bundled model (Fourier embedding with DDPM-style blocks, a combination no fixture has): its file holds the
	 * parameters of the module tree plus the second name of the Fourier weight, as diffusers' state dict does.
	 */
	@org.junit.jupiter.api.Test
	void theBundledModelHasTheFourierWeightUnderBothNames() throws Exception {
		final Path folder = sc.fiji.scoresde.runtime.DefaultModel.extract();
		try (LoadedModel model = LoadedModel.load(folder, Device.cpu(), w -> {})) {
			final Set<String> expected = new TreeSet<>(model.unet().parameters().parameters().keySet());
			expected.add("time_proj.W");
			final Map<String, HostTensor> file = SafeTensors.read(model.folder().weightsFile);
			assertEquals(expected, new TreeSet<>(file.keySet()));
			assertEquals(Arrays.toString(file.get("time_proj.weight").toFloatArray()), Arrays.toString(file.get(
				"time_proj.W").toFloatArray()));
		}
	}

	static Set<String> expectedKeys(final String fixture) throws Exception {
		try (InputStream in = DiffusersKeySetTest.class.getResourceAsStream("/diffusers-state-dict-keys/" + fixture +
			".txt"))
		{
			return new TreeSet<>(Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\n")));
		}
	}
}
