package sc.fiji.scoresde.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import sc.fiji.scoresde.model.ModelConfigException;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * Any config.json text either builds an architecture (declared, not allocated) or ends in a ModelConfigException;
 * any scheduler_config.json text parses or ends in an IllegalArgumentException with a message.
 */
class ConfigFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void configParserFailsOnlyWithModelConfigException(final FuzzedDataProvider data) {
		final String text = data.consumeRemainingAsString();
		try {
			new UNet2DModel(UNet2DConfig.parse(text, "fuzz config"), null).parameterCount();
		}
		catch (final ModelConfigException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
		try {
			SchedulerConfig.parse(text, "fuzz scheduler config");
		}
		catch (final IllegalArgumentException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
	}
}
