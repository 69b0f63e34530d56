package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GenerateOptionsTest {

	@Test
	void theDialogOffersTheFivePublishedCheckpointsWithSizeResolutionAndSigmaMax() {
		final String[] choices = GenerateOptions.checkpointChoices();
		assertEquals(6, choices.length);
		assertEquals(GenerateOptions.NO_CHECKPOINT, choices[0]);
		assertEquals("google/ncsnpp-celebahq-256 (256×256, 263 MB, σmax 348)", choices[1]);
		assertEquals("google/ncsnpp-ffhq-1024 (1024×1024, 423 MB, σmax 1348)", choices[5]);
		final GenerateOptions o = new GenerateOptions();
		o.model = "/some/folder";
		o.applyCheckpoint(choices[3]);
		assertEquals("google/ncsnpp-church-256", o.model);
		o.applyCheckpoint(GenerateOptions.NO_CHECKPOINT);
		assertEquals("google/ncsnpp-church-256", o.model, "none keeps the model field");
	}

	@Test
	void aHubIdIsAnAcceptableModelButGibberishIsNot() {
		final GenerateOptions o = new GenerateOptions();
		o.model = "google/ncsnpp-celebahq-256@main";
		o.validate();
		o.model = "no such thing";
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
		assertTrue(e.getMessage().contains("'model'") && e.getMessage().contains("Hugging Face model id"), e
			.getMessage());
	}

	@Test
	void churnMinusOneLeavesTheChurnToTheModelsRecommendationAndOtherNegativesAreRefused() {
		final GenerateOptions o = new GenerateOptions();
		assertEquals(-1, o.churn, "the dialog's default");
		o.validate();
		assertEquals(null, o.request().sampler.churn, "not given: the model folder's heun churn, else 0");
		o.churn = 10;
		assertEquals(10.0, o.request().sampler.churn);
		o.churn = -0.5;
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::validate);
		assertTrue(e.getMessage().contains("'churn' is -0.5") && e.getMessage().contains("-1 (the model's"), e
			.getMessage());
	}
}
