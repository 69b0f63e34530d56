package sc.fiji.scoresde.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.weights.SafeTensors;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * A run is resumed only from a checkpoint whose every part can be read: damaged options, scheduler or architecture
 * metadata (or a damaged training/options.json) are refused in a sentence, not replaced by defaults, and nothing is
 * written.
 */
class TrainingResumeTest {

	private static final TrainingImages DATA = TrainingTestData.squares(8, 8, 6);

	/** A finished 2-step run whose checkpoint metadata {@code key} is replaced by {@code value}. */
	private static Path runWith(final Path dir, final String key, final String value) throws Exception {
		final Path out = dir.resolve("run");
		Trainer.train(DATA, TrainingTestData.quick(2), out, new Trainer.Hooks());
		if (key != null) {
			final Path file = Trainer.checkpointFile(out);
			final Map<String, String> metadata = new LinkedHashMap<>(SafeTensors.readHeader(file).metadata);
			metadata.put(key, value);
			SafeTensors.write(file, SafeTensors.read(file), metadata);
		}
		return out;
	}

	/** Resuming fails with a short sentence naming {@code fragment}, and leaves the run folder as it was. */
	private static String refused(final Path out, final String fragment) throws Exception {
		return refused(out, fragment, null);
	}

	/** As above, for a resume that gives only the options {@code given} ({@link TrainingOptions#given}). */
	private static String refused(final Path out, final String fragment, final java.util.Set<String> given)
		throws Exception
	{
		final byte[] checkpoint = Files.readAllBytes(Trainer.checkpointFile(out));
		final byte[] options = Files.readAllBytes(out.resolve("training/options.json"));
		final TrainingOptions more = TrainingTestData.quick(4);
		more.resume = true;
		more.given = given;
		final ModelFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(
			ModelFormatException.class, () -> Trainer.train(DATA, more, out, new Trainer.Hooks())));
		final String m = e.getMessage();
		assertTrue(m.contains(fragment) && m.length() < 500, m);
		for (final String raw : List.of("Exception", "JsonObject", "For input string", "com.google", "java."))
			assertFalse(m.contains(raw), m);
		assertArrayEquals(checkpoint, Files.readAllBytes(Trainer.checkpointFile(out)), "checkpoint untouched");
		assertArrayEquals(options, Files.readAllBytes(out.resolve("training/options.json")), "options.json untouched");
		return m;
	}

	@Test
	void optionsThatAreNotJsonAreRefusedNotReplacedByDefaults(@TempDir final Path dir) throws Exception {
		final String m = refused(runWith(dir, "options", "{\"weighting\": \"edm\", \"sigma_data\": 0.3"), "(options)");
		assertTrue(m.contains("not valid JSON") && m.contains("cannot be resumed"), m);
	}

	@Test
	void optionValuesOfTheWrongKindAreRefusedInASentence(@TempDir final Path dir) throws Exception {
		assertTrue(refused(runWith(dir.resolve("a"), "options", "{\"sigma_data\": \"abc\"}"), "sigma_data").contains(
			"finite number"));
		assertTrue(refused(runWith(dir.resolve("b"), "options", "{\"weighting\": [\"edm\"]}"), "weighting").contains(
			"\"paper\" or \"edm\""));
		refused(runWith(dir.resolve("c"), "options", "[1, 2]"), "(options)");
	}

	@Test
	void aRunOptionTheResumeTakesFromTheCheckpointMustBeValid(@TempDir final Path dir) throws Exception {
		final String bad = "{\"batch\": \"many\", \"steps\": 2}", zero = "{\"batch\": 0, \"steps\": 2}";
		assertTrue(refused(runWith(dir.resolve("a"), "options", bad), "'batch' is 'many', not an integer",
			java.util.Set.of()).contains("give the option again"));
		refused(runWith(dir.resolve("b"), "options", zero), "batch must be in 1..65536, got 0", java.util.Set.of());
		refused(runWith(dir.resolve("s"), "options", "{\"lr_schedule\": \"sawtooth\", \"steps\": 2}"),
			"learning-rate schedule 'sawtooth' is not one of constant, cosine", java.util.Set.of());
		// given again, the checkpoint's value is not needed
		final Path out = runWith(dir.resolve("c"), "options", bad);
		final TrainingOptions more = TrainingTestData.quick(3);
		more.resume = true;
		more.given = java.util.Set.of("batch", "steps");
		Trainer.train(DATA, more, out, new Trainer.Hooks());
		assertTrue(Files.readString(out.resolve("training/options.json")).contains("\"batch\": 8"));
	}

	@Test
	void aDamagedOptionsFileIsRefused(@TempDir final Path dir) throws Exception {
		final Path out = runWith(dir, null, null);
		Files.writeString(out.resolve("training/options.json"), "{\"steps\": 2, \"batch\": ");
		assertTrue(refused(out, "options.json").contains("not valid JSON"));
	}

	@Test
	void aSchedulerOrArchitectureNoRunCouldUseIsRefused(@TempDir final Path dir) throws Exception {
		final String scheduler = new SchedulerConfig().toJson();
		assertTrue(scheduler.contains("\"sigma_max\": 1348.0"));
		refused(runWith(dir.resolve("a"), "scheduler_config", scheduler.replace("\"sigma_max\": 1348.0",
			"\"sigma_max\": 1e308")), "sigma_max");
		final String architecture = Files.readString(TrainingTestData.tinyArchitecturePath());
		assertTrue(architecture.contains("\"sample_size\": 8,"));
		refused(runWith(dir.resolve("b"), "unet_config", architecture.replace("\"sample_size\": 8,", "")),
			"sample_size");
	}
}
