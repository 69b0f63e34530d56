package sc.fiji.scoresde.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.errors.JsonInput;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.sampling.RecommendedSampling;
import sc.fiji.scoresde.sampling.SamplerOptions;

/**
 * {@code scoresde_sampling.json} in a model folder: the sampler settings its author recommends, used for whatever
 * the user does not give. diffusers' {@code from_pretrained} ignores files it does not know, so the folder stays a
 * diffusers pipeline. Example: {@code {"sampler": "pc", "steps": 200, "min_steps": 50}}. Keys: sampler, steps, snr,
 * correct_steps, ode_tolerance, churn (as the CLI options) and min_steps (fewer steps of that sampler get a
 * warning; default a quarter of steps); keys starting with "_" are comments. A damaged file is refused, naming it.
 */
public final class SamplingRecommendationFile {

	public static final String NAME = "scoresde_sampling.json";

	private static final Set<String> KEYS = Set.of("sampler", "steps", "snr", "correct_steps", "ode_tolerance",
		"churn", "min_steps");

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
		for (final Map.Entry<String, JsonElement> e : o.entrySet())
			if (!e.getKey().startsWith("_") && !KEYS.contains(e.getKey())) throw bad(file, "has the unknown key " + Echo
				.quoted(e.getKey()) + " (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
		final SamplerOptions s = new SamplerOptions();
		if (o.has("sampler")) {
			s.name = JsonInput.string(o.get("sampler"));
			if (s.name == null) throw bad(file, "sampler is " + JsonInput.kind(o.get("sampler")) + " (expected one of " +
				SamplerOptions.NAMES_TEXT + ")");
		}
		s.steps = integer(file, o, "steps");
		s.snr = number(file, o, "snr");
		s.correctSteps = integer(file, o, "correct_steps");
		s.odeTolerance = number(file, o, "ode_tolerance");
		s.churn = number(file, o, "churn");
		final Integer minSteps = integer(file, o, "min_steps");
		try {
			s.validate();
		}
		catch (final InvalidOptionException e) {
			throw bad(file, "recommends " + e.getMessage());
		}
		if (minSteps != null && (minSteps < 1 || minSteps > SamplerOptions.MAX_STEPS)) throw bad(file, "min_steps " +
			minSteps + " must be between 1 and " + SamplerOptions.MAX_STEPS);
		return new RecommendedSampling(s, minSteps, file.toString());
	}

	private static Integer integer(final Path file, final JsonObject o, final String key) throws ModelFormatException {
		if (!o.has(key)) return null;
		final Integer v = JsonInput.integer(o.get(key));
		if (v == null) throw bad(file, key + " is " + JsonInput.kind(o.get(key)) + " (expected a whole number)");
		return v;
	}

	private static Double number(final Path file, final JsonObject o, final String key) throws ModelFormatException {
		if (!o.has(key)) return null;
		final Double v = JsonInput.finiteNumber(o.get(key));
		if (v == null) throw bad(file, key + " is " + JsonInput.kind(o.get(key)) + " (expected a finite number)");
		return v;
	}

	private static ModelFormatException bad(final Path file, final String problem) {
		return new ModelFormatException("sampling recommendation " + file + " " + problem + "; fix or delete the " +
			"file");
	}
}
