package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * diffusers' ScoreSdeVePipelineFastTests.test_inference (tests/pipelines/score_sde_ve): the ddpm-fasttest UNet,
 * default scheduler, 2 steps, torch.manual_seed(0), output_type "np".
 */
class PipelineFastTest {

	@Test
	void lastThreeByThreeOfChannelTwoMatchDiffusersFastTest() throws Exception {
		final GenerationRequest request = new GenerationRequest();
		request.sampler.steps = 2;
		request.seed = 0L;
		final GeneratedImages image;
		try (LoadedModel model = LoadedModel.load(Fixtures.dir("ddpm-fasttest").resolve("pipeline"), Device.cpu(),
			w -> {}))
		{
			image = GenerationService.generate(model, request, new GenerationService.Hooks());
		}
		final float[] expected = { 0, 1, 0, 0, 0, 1, 0, 0, 0 };
		int k = 0;
		for (int y = image.height - 3; y < image.height; y++)
			for (int x = image.width - 3; x < image.width; x++) {
				final float v = image.get(0, y, x, 2);
				assertTrue(Math.abs(v - expected[k]) < 1e-2, "pixel (" + y + "," + x + ") = " + v + ", expected " +
					expected[k]);
				k++;
			}
	}
}
