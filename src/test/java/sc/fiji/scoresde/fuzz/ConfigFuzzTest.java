package sc.fiji.scoresde.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.model.ModelConfigException;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * Any config.json text either builds an architecture (declared, not allocated) or ends in a ModelConfigException;
 * any scheduler_config.json text parses or ends in an IllegalArgumentException. Either message is a short sentence
 * without Java's or Gson's own texts (unless the input itself holds them, as a key or a value the message echoes).
 */
class ConfigFuzzTest {

	private static final String[] RAW_TEXTS = { "Exception", "JsonObject", "JsonPrimitive", "JsonArray",
		"For input string", "com.google", "java." };

	private static void assertSentence(final String message, final String input) {
		if (message == null || message.isEmpty()) throw new AssertionError("error without message");
		if (message.length() > 2000) throw new AssertionError("message of " + message.length() + " characters: " +
			Echo.of(message));
		for (final String raw : RAW_TEXTS)
			if (message.contains(raw) && !input.contains(raw)) throw new AssertionError("'" + raw + "' in: " + Echo.of(
				message));
	}

	@FuzzTest(maxDuration = "60s")
	void configParserFailsOnlyWithModelConfigException(final FuzzedDataProvider data) {
		final String text = data.consumeRemainingAsString();
		try {
			new UNet2DModel(UNet2DConfig.parse(text, "fuzz config"), null).parameterCount();
		}
		catch (final ModelConfigException e) {
			assertSentence(e.getMessage(), text);
		}
		try {
			SchedulerConfig.parse(text, "fuzz scheduler config");
		}
		catch (final IllegalArgumentException e) {
			assertSentence(e.getMessage(), text);
		}
	}
}
