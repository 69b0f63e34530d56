package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.model.ModelConfigException;

/**
 * A pipeline folder whose json files hold values no run can honour is refused when it is opened (before weights are
 * read or a network is built), with one sentence naming the file, the key and what was expected.
 */
class PipelineFolderConfigTest {

	private static Path folder(final Path dir, final String file, final String from, final String to)
		throws Exception
	{
		Fixtures.copyPipeline("ncsnpp-tiny", dir);
		final Path f = dir.resolve(file);
		final String text = Files.readString(f);
		assertTrue(text.contains(from), from);
		Files.writeString(f, text.replace(from, to));
		return f;
	}

	/** Opening fails within seconds, as a file error, with a short sentence that names the file and carries no Java or Gson texts. */
	private static String refused(final Path dir, final Path file) {
		final Exception e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(Exception.class,
			() -> PipelineFolder.open(dir, true)));
		assertTrue(e instanceof ModelFormatException || e instanceof ModelConfigException, e.toString());
		final String m = e.getMessage();
		assertTrue(m.startsWith(file.toString()), () -> Echo.of(m));
		assertTrue(m.length() < 500, () -> m.length() + " characters: " + Echo.of(m));
		for (final String raw : List.of("Exception", "JsonObject", "JsonPrimitive", "For input string", "com.google",
			"java."))
			assertFalse(m.contains(raw), m);
		return m;
	}

	@Test
	void schedulerValuesThatMultiplyWorkOrOverflowAreRefusedWhenTheFolderOpens(@TempDir final Path tmp)
		throws Exception
	{
		final String[][] cases = { { "\"correct_steps\": 1,", "\"correct_steps\": 1000000000,", "correct_steps" },
			{ "\"num_train_timesteps\": 2000,", "\"num_train_timesteps\": 1000000000,", "num_train_timesteps" },
			{ "\"sigma_max\": 348.0,", "\"sigma_max\": 1e308,", "sigma_max" },
			{ "\"snr\": 0.15", "\"snr\": 1e300", "snr" }, { "\"sigma_min\": 0.01,", "\"sigma_min\": 1e-300,",
				"sigma_min" } };
		int i = 0;
		for (final String[] c : cases) {
			final Path dir = tmp.resolve("m" + i++);
			final Path file = folder(dir, "scheduler/scheduler_config.json", c[0], c[1]);
			final String m = refused(dir, file);
			assertTrue(m.contains(c[2]) && m.contains("expected"), m);
		}
	}

	@Test
	void jsonThatDoesNotParseIsDescribedWithoutTheParsersClassNames(@TempDir final Path tmp) throws Exception {
		final String[][] cases = { { "model_index.json", "\"unet\": [", "\"unet\": [[[" },
			{ "model_index.json", "{", "[" }, { "unet/config.json", "\"sample_size\": 32,", "\"sample_size\" 32," },
			{ "scheduler/scheduler_config.json", "\"snr\": 0.15", "\"snr\": " } };
		int i = 0;
		for (final String[] c : cases) {
			final Path dir = tmp.resolve("m" + i++);
			final String m = refused(dir, folder(dir, c[0], c[1], c[2]));
			assertTrue(m.contains("JSON"), m);
		}
	}

	@Test
	void hugeValuesAreEchoedShort(@TempDir final Path tmp) throws Exception {
		final String digits = "1" + "0".repeat(3_000_000);
		final String[][] cases = { { "unet/config.json", "\"layers_per_block\": 1,", "\"layers_per_block\": " +
			digits + "," }, { "scheduler/scheduler_config.json", "\"snr\": 0.15", "\"snr\": " + digits },
			{ "unet/config.json", "\"act_fn\": \"silu\",", "\"act_fn\": \"" + "s".repeat(3_000_000) + "\"," },
			{ "model_index.json", "\"_class_name\": \"ScoreSdeVePipeline\",", "\"_class_name\": [\"" + "s".repeat(
				3_000_000) + "\"]," } };
		int i = 0;
		for (final String[] c : cases) {
			final Path dir = tmp.resolve("m" + i++);
			refused(dir, folder(dir, c[0], c[1], c[2]));
		}
	}

	@Test
	void aSampleSizeTheNetworkCannotTakeIsRefusedFromTheConfig(@TempDir final Path dir) throws Exception {
		final Path file = folder(dir, "unet/config.json", "\"sample_size\": 32,", "\"sample_size\": 33,");
		final String m = refused(dir, file);
		assertTrue(m.contains("sample_size 33") && m.contains("multiple of 8"), m);
	}
}
