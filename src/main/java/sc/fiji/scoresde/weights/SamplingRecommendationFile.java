package sc.fiji.scoresde.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.errors.JsonInput;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.sampling.RecommendedSampling;
import sc.fiji.scoresde.sampling.SamplerOptions;

/**
 * {@code scoresde_sampling.json} in a model folder: the sampler settings its author recommends, used for whatever
 * the user does not give. diffusers' {@code from_pretrained} ignores files it does not know, so the folder stays a
 * diffusers pipeline. Example: {@code {"sampler": "pc", "steps": 200, "min_steps": 50, "other_samplers": {"heun":
 * {"steps": 25, "churn": 10}}}}. Keys: sampler, steps, snr, correct_steps, ode_tolerance, churn (as the CLI options),
 * min_steps (fewer steps of that sampler get a warning; default a quarter of steps) and other_samplers (per sampler
 * name, the same keys but sampler: the settings for a user who names that sampler); keys starting with "_" are
 * comments. A damaged file is refused, naming it.
 */
public final class SamplingRecommendationFile {

	public static final String NAME = "scoresde_sampling.json";

	/** the keys of one sampler's settings */
	private static final Set<String> SETTINGS_KEYS = Set.of("steps", "snr", "correct_steps", "ode_tolerance",
		"churn", "min_steps");
	/** the top level's keys: the recommended sampler's name and settings, and the other samplers' settings */
	private static final Set<String> KEYS = java.util.stream.Stream.concat(SETTINGS_KEYS.stream(), java.util.stream
		.Stream.of("sampler", "other_samplers")).collect(java.util.stream.Collectors.toUnmodifiableSet());

	private SamplingRecommendationFile() {}

	/** The recommendation in {@code folder}, or null when it has none. */
	public static RecommendedSampling readIn(final Path folder) throws IOException {
		final Path file = folder.resolve(NAME);
		if (!Files.exists(file)) return null;
		final JsonObject o;
		try {
			o = JsonInput.parseObject(PipelineFolder.readJson(file), file.toString());
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(e.getMessage());
		}
		checkKeys(file, o, KEYS, "");
		String name = null;
		if (o.has("sampler")) {
			name = JsonInput.string(o.get("sampler"));
			if (name == null) throw bad(file, "sampler is " + JsonInput.kind(o.get("sampler")) + " (expected one of " +
				SamplerOptions.NAMES_TEXT + ")");
		}
		final RecommendedSampling main = entry(file, o, name, "");
		final Map<String, RecommendedSampling> others = new TreeMap<>();
		if (o.has("other_samplers")) {
			final JsonElement element = o.get("other_samplers");
			if (!element.isJsonObject()) throw bad(file, "other_samplers is " + JsonInput.kind(element) +
				" (expected an object of sampler names, e.g. {\"heun\": {\"steps\": 25}})");
			for (final Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
				if (e.getKey().startsWith("_")) continue;
				final String where = "other_samplers." + e.getKey() + ".";
				if (!SamplerOptions.NAMES.contains(e.getKey())) throw bad(file, "has other_samplers for " + Echo
					.quoted(e.getKey()) + ", which is not one of " + SamplerOptions.NAMES_TEXT);
				if (e.getKey().equals(main.samplerName())) throw bad(file, "has other_samplers for " + e.getKey() +
					", the recommended sampler itself (give its settings at the top level)");
				if (!e.getValue().isJsonObject()) throw bad(file, "other_samplers." + e.getKey() + " is " + JsonInput
					.kind(e.getValue()) + " (expected an object of settings)");
				final JsonObject settings = e.getValue().getAsJsonObject();
				checkKeys(file, settings, SETTINGS_KEYS, where);
				others.put(e.getKey(), entry(file, settings, e.getKey(), where));
			}
		}
		return new RecommendedSampling(main.settings, main.minSteps, file.toString(), others);
	}

	/** One sampler's settings, checked; {@code where} prefixes the keys in messages. */
	private static RecommendedSampling entry(final Path file, final JsonObject o, final String name,
		final String where) throws ModelFormatException
	{
		final SamplerOptions s = new SamplerOptions();
		s.name = name;
		s.steps = integer(file, o, "steps", where);
		s.snr = number(file, o, "snr", where);
		s.correctSteps = integer(file, o, "correct_steps", where);
		s.odeTolerance = number(file, o, "ode_tolerance", where);
		s.churn = number(file, o, "churn", where);
		final Integer minSteps = integer(file, o, "min_steps", where);
		try {
			s.validate();
		}
		catch (final InvalidOptionException e) {
			throw bad(file, "recommends " + (where.isEmpty() ? "" : "for " + name + " ") + e.getMessage());
		}
		if (minSteps != null && (minSteps < 1 || minSteps > SamplerOptions.MAX_STEPS)) throw bad(file, where +
			"min_steps " + minSteps + " must be between 1 and " + SamplerOptions.MAX_STEPS);
		return new RecommendedSampling(s, minSteps, file.toString());
	}

	private static void checkKeys(final Path file, final JsonObject o, final Set<String> known, final String where)
		throws ModelFormatException
	{
		for (final Map.Entry<String, JsonElement> e : o.entrySet())
			if (!e.getKey().startsWith("_") && !known.contains(e.getKey())) throw bad(file, "has the unknown key " +
				Echo.quoted(where + e.getKey()) + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
	}

	private static Integer integer(final Path file, final JsonObject o, final String key, final String where)
		throws ModelFormatException
	{
		if (!o.has(key)) return null;
		final Integer v = JsonInput.integer(o.get(key));
		if (v == null) throw bad(file, where + key + " is " + JsonInput.kind(o.get(key)) +
			" (expected a whole number)");
		return v;
	}

	private static Double number(final Path file, final JsonObject o, final String key, final String where)
		throws ModelFormatException
	{
		if (!o.has(key)) return null;
		final Double v = JsonInput.finiteNumber(o.get(key));
		if (v == null) throw bad(file, where + key + " is " + JsonInput.kind(o.get(key)) +
			" (expected a finite number)");
		return v;
	}

	private static ModelFormatException bad(final Path file, final String problem) {
		return new ModelFormatException("sampling recommendation " + file + " " + problem + "; fix or delete the " +
			"file");
	}
}
