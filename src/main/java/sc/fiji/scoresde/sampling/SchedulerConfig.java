package sc.fiji.scoresde.sampling;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.util.Set;

/** The keys of diffusers' {@code ScoreSdeVeScheduler} config (scheduler_config.json), with its defaults. */
public final class SchedulerConfig {

	public int numTrainTimesteps = 2000;
	public double snr = 0.15;
	public double sigmaMin = 0.01;
	public double sigmaMax = 1348.0;
	public double samplingEps = 1e-5;
	public int correctSteps = 1;

	private static final Set<String> KEYS = Set.of("num_train_timesteps", "snr", "sigma_min", "sigma_max",
		"sampling_eps", "correct_steps");

	public SchedulerConfig copy() {
		final SchedulerConfig c = new SchedulerConfig();
		c.numTrainTimesteps = numTrainTimesteps;
		c.snr = snr;
		c.sigmaMin = sigmaMin;
		c.sigmaMax = sigmaMax;
		c.samplingEps = samplingEps;
		c.correctSteps = correctSteps;
		return c;
	}

	public static SchedulerConfig parse(final String json, final String source) throws IllegalArgumentException {
		final JsonObject o;
		try {
			final JsonElement e = JsonParser.parseString(json);
			if (!e.isJsonObject()) throw new IllegalArgumentException(source + ": not a JSON object");
			o = e.getAsJsonObject();
		}
		catch (final JsonParseException | StackOverflowError e) {
			throw new IllegalArgumentException(source + ": not valid JSON (" + e.getMessage() + ")");
		}
		final JsonElement cls = o.get("_class_name");
		if (cls != null && !(cls.isJsonPrimitive() && cls.getAsString().equals("ScoreSdeVeScheduler"))) {
			throw new IllegalArgumentException(source + ": _class_name is " + cls +
				"; only ScoreSdeVeScheduler is supported");
		}
		for (final String key : o.keySet()) {
			if (!key.startsWith("_") && !KEYS.contains(key)) throw new IllegalArgumentException(source +
				": scheduler key '" + key + "' (value " + o.get(key) + ") is not a ScoreSdeVeScheduler option");
		}
		final SchedulerConfig c = new SchedulerConfig();
		c.numTrainTimesteps = (int) number(o, "num_train_timesteps", c.numTrainTimesteps, source, true);
		c.snr = number(o, "snr", c.snr, source, false);
		c.sigmaMin = number(o, "sigma_min", c.sigmaMin, source, false);
		c.sigmaMax = number(o, "sigma_max", c.sigmaMax, source, false);
		c.samplingEps = number(o, "sampling_eps", c.samplingEps, source, false);
		c.correctSteps = (int) number(o, "correct_steps", c.correctSteps, source, true);
		c.validate(source);
		return c;
	}

	public void validate(final String source) {
		if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin)) throw new IllegalArgumentException(source + ": sigma_min " +
			sigmaMin + " and sigma_max " + sigmaMax + " must satisfy 0 < sigma_min < sigma_max");
		if (!(snr >= 0)) throw new IllegalArgumentException(source + ": snr " + snr + " must be ≥ 0");
		if (!(samplingEps > 0 && samplingEps < 1)) throw new IllegalArgumentException(source + ": sampling_eps " +
			samplingEps + " must be in (0, 1)");
		if (correctSteps < 0) throw new IllegalArgumentException(source + ": correct_steps " + correctSteps +
			" must be ≥ 0");
		if (numTrainTimesteps < 1) throw new IllegalArgumentException(source + ": num_train_timesteps " +
			numTrainTimesteps + " must be ≥ 1");
	}

	private static double number(final JsonObject o, final String key, final double dflt, final String source,
		final boolean integer)
	{
		if (!o.has(key)) return dflt;
		final JsonElement e = o.get(key);
		if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) throw new IllegalArgumentException(source +
			": scheduler key '" + key + "' has value " + e + "; expected a number");
		final double v = e.getAsDouble();
		if (!Double.isFinite(v) || (integer && (v != Math.rint(v) || Math.abs(v) > 1e9))) {
			throw new IllegalArgumentException(source + ": scheduler key '" + key + "' has value " + e +
				"; expected " + (integer ? "an integer" : "a finite number"));
		}
		return v;
	}

	/** The JSON diffusers writes for this config. */
	public String toJson() {
		final JsonObject o = new JsonObject();
		o.addProperty("_class_name", "ScoreSdeVeScheduler");
		o.addProperty("_diffusers_version", "0.25.0");
		o.addProperty("correct_steps", correctSteps);
		o.addProperty("num_train_timesteps", numTrainTimesteps);
		o.addProperty("sampling_eps", samplingEps);
		o.addProperty("sigma_max", sigmaMax);
		o.addProperty("sigma_min", sigmaMin);
		o.addProperty("snr", snr);
		return new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(o);
	}
}
