package sc.fiji.scoresde.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.hub.KnownCheckpoints;

/** The ranges of scheduler_config.json values and of the sampler options that override them: one set of limits. */
class SchedulerConfigTest {

	private static final String SOURCE = "/m/scheduler/scheduler_config.json";

	/** diffusers' defaults with one key replaced by raw JSON text. */
	private static String with(final String key, final String json) {
		final String base = new SchedulerConfig().toJson();
		final String out = base.replaceFirst("\"" + key + "\": [^,\\n]+", "\"" + key + "\": " + java.util.regex.Matcher
			.quoteReplacement(json));
		assertTrue(base.contains("\"" + key + "\": "), key);
		return out;
	}

	private static IllegalArgumentException refused(final String key, final String json) {
		return assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.parse(with(key, json), SOURCE),
			() -> key + " = " + Echo.of(json));
	}

	/** The message names the file and the key, is one short line, and carries no Java or Gson texts. */
	private static void assertSentence(final String message, final String key) {
		assertTrue(message.startsWith(SOURCE), message);
		assertTrue(message.contains(key), message);
		assertTrue(message.length() < 400, () -> message.length() + " characters: " + Echo.of(message));
		for (final String raw : List.of("Exception", "JsonObject", "JsonPrimitive", "For input string", "com.google",
			"java."))
			assertFalse(message.contains(raw), message);
	}

	@Test
	void aCorrectorStepCountAboveTheLimitIsRefusedFromTheFile() {
		final IllegalArgumentException e = refused("correct_steps", "1000000000");
		assertSentence(e.getMessage(), "correct_steps");
		assertTrue(e.getMessage().contains("1000000000") && e.getMessage().contains("0 to 100"), e.getMessage());
		refused("correct_steps", "101");
		assertEquals(100, SchedulerConfig.parse(with("correct_steps", "100"), SOURCE).correctSteps);
	}

	@Test
	void aTrainingTimestepCountAboveTheLimitIsRefusedBeforeTheSigmaTablesAreBuilt() {
		final IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(
			"num_train_timesteps", "1000000000"));
		assertSentence(e.getMessage(), "num_train_timesteps");
		refused("num_train_timesteps", "0");
	}

	@Test
	void sigmasAndSnrOutsideTheirRangesAreRefusedWithTheRange() {
		final IllegalArgumentException huge = refused("sigma_max", "1e308");
		assertSentence(huge.getMessage(), "sigma_max");
		assertTrue(huge.getMessage().contains("expected"), huge.getMessage());
		final IllegalArgumentException snr = refused("snr", "1e300");
		assertSentence(snr.getMessage(), "snr");
		assertTrue(snr.getMessage().contains("0 to 1"), snr.getMessage());
		refused("snr", "-0.1");
		refused("sigma_min", "0");
		refused("sigma_min", "1e-300");
		refused("sigma_min", "2000");
		refused("sampling_eps", "1");
		assertSentence(refused("snr", "\"high\"").getMessage(), "snr");
		assertSentence(refused("sigma_max", "[1, 2]").getMessage(), "sigma_max");
		assertSentence(refused("sigma_max", "1e999").getMessage(), "sigma_max");
		assertSentence(refused("correct_steps", "1.5").getMessage(), "correct_steps");
	}

	@Test
	void aThreeMegabyteNumberIsRefusedAtOnceWithAShortMessage() {
		final String digits = "1" + "0".repeat(3_000_000);
		for (final String key : new String[] { "snr", "correct_steps" }) {
			final IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(key,
				digits));
			assertSentence(e.getMessage(), key);
		}
	}

	@Test
	void textThatIsNotJsonGivesTheParsersWordsWithoutItsClassNames() {
		for (final String text : new String[] { "{\"snr\" 0.1}", "{\"snr\": [1, 2}", "{", "[1]x", "[1, 2]", "\"x\"",
			"[".repeat(100_000) }) {
			final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.parse(
				text, SOURCE));
			assertSentence(e.getMessage(), "JSON");
		}
		final IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.parse(
			"{\"" + "k".repeat(1_000_000) + "\": 1}", SOURCE));
		assertSentence(key.getMessage(), "kkk");
	}

	/** σmax of the google/ncsnpp-* models, the paper's snr range, diffusers' defaults and every bundled config. */
	@Test
	void everyPublishedAndBundledSchedulerConfigStillLoads() throws IOException {
		new SchedulerConfig().validate("diffusers' defaults");
		for (final KnownCheckpoints.Checkpoint c : KnownCheckpoints.ALL)
			for (final String snr : new String[] { "0.075", "0.16", "0.17" })
				SchedulerConfig.parse(with("sigma_max", Double.toString(c.sigmaMax)).replace("\"snr\": 0.15", "\"snr\": " + snr),
					c.id);
		final List<Path> files;
		try (Stream<Path> s = Stream.concat(Files.walk(Paths.get("src/main/resources")), Files.walk(Paths.get(
			"src/test/resources"))))
		{
			files = s.filter(p -> p.getFileName().toString().equals("scheduler_config.json")).collect(Collectors
				.toList());
		}
		assertTrue(files.size() >= 10, files.toString());
		for (final Path f : files)
			SchedulerConfig.parse(new String(Files.readAllBytes(f), StandardCharsets.UTF_8), f.toString());
	}

	@Test
	void optionsOutsideTheSameLimitsAreUsageErrors() {
		final SamplerOptions many = new SamplerOptions();
		many.correctSteps = 1000;
		final InvalidOptionException e = assertThrows(InvalidOptionException.class, many::validate);
		assertTrue(e.getMessage().contains("1000") && e.getMessage().contains("100"), e.getMessage());
		final SamplerOptions none = new SamplerOptions();
		none.steps = 0;
		assertThrows(InvalidOptionException.class, none::validate);
		final SamplerOptions loud = new SamplerOptions();
		loud.snr = 1e300;
		assertThrows(InvalidOptionException.class, () -> loud.create(new SchedulerConfig()));
		final SamplerOptions fine = new SamplerOptions();
		fine.correctSteps = 100;
		fine.snr = 1.0;
		fine.validate();
	}

	@Test
	void aRunWhoseCallCountOverflowsIsAUsageErrorNotAnArithmeticException() {
		final SchedulerConfig c = new SchedulerConfig();
		c.correctSteps = 100;
		final PredictorCorrectorSampler s = new PredictorCorrectorSampler(c, 1_000_000);
		final InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> s.plannedCalls(
			new Conditioning() {

				@Override
				public int resamplings() {
					return 100;
				}
			}));
		assertTrue(e.getMessage().contains("fewer steps"), e.getMessage());
		assertEquals(101_000_000, s.plannedCalls());
	}
}
