package sc.fiji.scoresde.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.sampling.RecommendedSampling;

/** A model folder's scoresde_sampling.json: used for what the user leaves out, never over what the user gives. */
class SamplingRecommendationTest {

	private static Path tinyRecommending(final Path dir, final String json) throws Exception {
		Fixtures.copyPipeline("ncsnpp-tiny", dir);
		Files.writeString(dir.resolve(SamplingRecommendationFile.NAME), json);
		return dir;
	}

	private static GeneratedImages generate(final Path folder, final Integer steps, final List<String> log)
		throws Exception
	{
		return generate(folder, null, steps, log);
	}

	private static GeneratedImages generate(final Path folder, final String sampler, final Integer steps,
		final List<String> log) throws Exception
	{
		final GenerationRequest request = new GenerationRequest();
		request.seed = 0L;
		request.sampler.name = sampler;
		request.sampler.steps = steps;
		final GenerationService.Hooks hooks = new GenerationService.Hooks();
		hooks.log = log::add;
		try (LoadedModel m = LoadedModel.load(folder, Device.cpu(), line -> {})) {
			return GenerationService.generate(m, request, hooks);
		}
	}

	@Test
	void theRecommendedStepsAreUsedWhenTheUserGivesNone(@TempDir final Path dir) throws Exception {
		final List<String> log = new CopyOnWriteArrayList<>();
		final GeneratedImages images = generate(tinyRecommending(dir, "{\"sampler\": \"pc\", \"steps\": 3}"), null,
			log);
		assertEquals(3, images.steps);
		assertTrue(log.stream().anyMatch(l -> l.contains("steps 3 (recommended by the model folder)") && l.contains(
			"sampler pc (recommended by the model folder)")), log.toString());
		assertTrue(log.stream().anyMatch(l -> l.contains("6 network calls")), "pc: 2 calls per step " + log);
	}

	@Test
	void theUsersStepsWinOverTheRecommendationAndFarFewerGetAWarning(@TempDir final Path dir) throws Exception {
		final List<String> log = new CopyOnWriteArrayList<>();
		final GeneratedImages images = generate(tinyRecommending(dir, "{\"steps\": 40}"), 2, log);
		assertEquals(2, images.steps);
		assertTrue(log.stream().anyMatch(l -> l.contains("steps 2 (given)")), log.toString());
		assertTrue(log.stream().anyMatch(l -> l.startsWith("warning: 2 steps is far below") && l.contains(dir.resolve(
			SamplingRecommendationFile.NAME).toString())), log.toString());

		final List<String> enough = new CopyOnWriteArrayList<>();
		generate(dir, 10, enough);
		assertFalse(enough.stream().anyMatch(l -> l.startsWith("warning")), "10 is a quarter of 40: " + enough);
	}

	@Test
	void aSamplerTheUserNamesGetsTheSettingsRecommendedForIt(@TempDir final Path dir) throws Exception {
		final Path folder = tinyRecommending(dir, "{\"sampler\": \"pc\", \"steps\": 3, \"other_samplers\": " +
			"{\"heun\": {\"steps\": 2, \"churn\": 1, \"min_steps\": 2}}}");
		final List<String> heun = new CopyOnWriteArrayList<>();
		assertEquals(2, generate(folder, "heun", null, heun).steps);
		assertTrue(heun.stream().anyMatch(l -> l.contains("sampler heun (given)") && l.contains(
			"steps 2 (recommended by the model folder)") && l.contains("churn 1.0 (recommended by the model folder)")),
			heun.toString());
		assertTrue(heun.stream().anyMatch(l -> l.contains("3 network calls")), "heun: 2N-1 calls " + heun);
		assertFalse(heun.stream().anyMatch(l -> l.startsWith("warning")), heun.toString());

		final List<String> fewer = new CopyOnWriteArrayList<>();
		generate(folder, "heun", 1, fewer);
		assertTrue(fewer.stream().anyMatch(l -> l.startsWith("warning: 1 steps is far below") && l.contains(
			"2 steps of heun")), "heun is judged by its own min_steps: " + fewer);

		final List<String> em = new CopyOnWriteArrayList<>();
		assertEquals(3, generate(folder, "em", null, em).steps, "a sampler without settings of its own gets the " +
			"recommended sampler's");
		assertTrue(em.stream().anyMatch(l -> l.contains("sampler em (given)") && !l.contains("churn 1.0")), em
			.toString());

		final List<String> none = new CopyOnWriteArrayList<>();
		assertEquals(3, generate(folder, null, null, none).steps);
		assertTrue(none.stream().anyMatch(l -> l.contains("sampler pc (recommended by the model folder)")), none
			.toString());
	}

	@Test
	void aDamagedRecommendationIsRefusedNamingTheFile(@TempDir final Path dir) throws Exception {
		final Path folder = tinyRecommending(dir, "{\"steps\": 200");
		final Path file = folder.resolve(SamplingRecommendationFile.NAME);
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> PipelineFolder.open(folder, true));
		assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
		for (final String[] bad : new String[][] { { "{\"steps\": \"many\"}", "steps is the string" },
			{ "{\"steps\": 0}", "steps 0 must be between 1" }, { "{\"sampler\": \"fast\"}", "'fast'" },
			{ "{\"stpes\": 200}", "unknown key" }, { "[200]", file.toString() },
			{ "{\"other_samplers\": {\"fast\": {}}}", "'fast', which is not one of" },
			{ "{\"other_samplers\": {\"pc\": {\"steps\": 3}}}", "the recommended sampler itself" },
			{ "{\"other_samplers\": {\"heun\": {\"sampler\": \"pc\"}}}", "'other_samplers.heun.sampler'" },
			{ "{\"other_samplers\": {\"heun\": {\"steps\": 0}}}", "for heun steps 0 must be between 1" },
			{ "{\"other_samplers\": {\"em\": {\"min_steps\": -1}}}", "other_samplers.em.min_steps -1" },
			{ "{\"other_samplers\": [25]}", "other_samplers is a JSON array" } })
		{
			Files.writeString(file, bad[0]);
			e = assertThrows(ModelFormatException.class, () -> PipelineFolder.open(folder, true), bad[0]);
			assertTrue(e.getMessage().contains(bad[1]) && e.getMessage().contains(file.toString()), e.getMessage());
		}
	}

	@Test
	void theBundledModelRecommendsTwoHundredPcStepsAndItsOwnHeunSettings() throws Exception {
		final PipelineFolder folder = PipelineFolder.open(DefaultModel.extract(), true);
		assertEquals("pc", folder.recommendedSampling.settings.name);
		assertEquals(200, (int) folder.recommendedSampling.settings.steps);
		assertEquals(50, folder.recommendedSampling.minSteps);
		final RecommendedSampling heun = folder.recommendedSampling.otherSamplers.get("heun");
		assertEquals(15, (int) heun.settings.steps, "the README quick start's (docs/training.md, the flips)");
		assertEquals(10.0, heun.settings.churn);
		assertEquals(12, heun.minSteps);
		assertEquals(java.util.Set.of("heun"), folder.recommendedSampling.otherSamplers.keySet());
		assertEquals(null, PipelineFolder.open(DefaultModel.extractTestModel(), true).recommendedSampling,
			"the test model keeps the diffusers defaults its recorded figures use");
	}
}
