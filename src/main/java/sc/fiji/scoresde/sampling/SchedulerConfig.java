package sc.fiji.scoresde.sampling;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Set;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.JsonInput;

/**
 * The keys of diffusers' {@code ScoreSdeVeScheduler} config (scheduler_config.json), with its defaults and the
 * ranges this tool accepts. The ranges hold every published VE model (google/ncsnpp-*: σmin 0.01, σmax 348 to 1348,
 * snr 0.075 to 0.17, one corrector step, 2000 training timesteps) and diffusers' defaults with a wide margin; outside
 * them a run either multiplies its work without limit or ends in float32 overflow (an all-NaN image).
 */
public final class SchedulerConfig {

	/** Most predictor steps of a run and most num_train_timesteps (the scheduler tabulates that many σ). */
	public static final int MAX_STEPS = 1_000_000;
	/** Most Langevin corrector steps per predictor step (each is one more network call per step). */
	public static final int MAX_CORRECT_STEPS = 100;
	/**
	 * σ range: σmax is about the largest distance between two training images (Song &amp; Ermon 2020), √(3·1024²)
	 * ≈ 1773 for 1024² RGB; 1e5 still covers 57000² pixels. σmax·z must stay far from float32's 3.4e38.
	 */
	public static final double MIN_SIGMA = 1e-6, MAX_SIGMA = 1e5;
	/** The corrector's signal-to-noise ratio: published models use 0.075 to 0.17; above 1 the step overshoots. */
	public static final double MAX_SNR = 1;

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

	/**
	 * @param source names the file in messages
	 * @throws IllegalArgumentException naming the file, the key, the value and the accepted range
	 */
	public static SchedulerConfig parse(final String json, final String source) throws IllegalArgumentException {
		final JsonObject o = JsonInput.parseObject(json, source);
		final JsonElement cls = o.get("_class_name");
		if (cls != null && !"ScoreSdeVeScheduler".equals(JsonInput.string(cls))) throw new IllegalArgumentException(
			source + ": _class_name is " + JsonInput.kind(cls) + "; only ScoreSdeVeScheduler is supported");
		for (final String key : o.keySet()) {
			if (!key.startsWith("_") && !KEYS.contains(key)) throw new IllegalArgumentException(source +
				": scheduler key " + Echo.quoted(key) + " (value " + Echo.of(o.get(key)) +
				") is not a ScoreSdeVeScheduler option");
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

	/** Checks every value against its range; {@code source} names the file (or "training", ...) in messages. */
	public void validate(final String source) {
		range(source, "num_train_timesteps", numTrainTimesteps, 1, MAX_STEPS);
		range(source, "correct_steps", correctSteps, 0, MAX_CORRECT_STEPS);
		range(source, "sigma_min", sigmaMin, MIN_SIGMA, MAX_SIGMA);
		range(source, "sigma_max", sigmaMax, MIN_SIGMA, MAX_SIGMA);
		if (!(sigmaMax > sigmaMin)) throw new IllegalArgumentException(source + ": sigma_max " + sigmaMax +
			" must be above sigma_min " + sigmaMin);
		range(source, "snr", snr, 0, MAX_SNR);
		if (!(samplingEps > 0 && samplingEps < 1)) throw new IllegalArgumentException(source + ": sampling_eps " +
			samplingEps + " must be in (0, 1)");
	}

	private static void range(final String source, final String key, final double v, final double min,
		final double max)
	{
		if (!(v >= min && v <= max)) throw new IllegalArgumentException(source + ": " + key + " is " + text(v) +
			"; expected " + text(min) + " to " + text(max));
	}

	/** 100000, 0.15, 0.000001, 1E+308: as short as the value allows, never "1.0E-6". */
	private static String text(final double v) {
		if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
		return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toString();
	}

	private static double number(final JsonObject o, final String key, final double dflt, final String source,
		final boolean integer)
	{
		if (!o.has(key)) return dflt;
		final JsonElement e = o.get(key);
		final Number v;
		if (integer) v = JsonInput.integer(e);
		else v = JsonInput.finiteNumber(e);
		if (v == null) throw new IllegalArgumentException(source + ": scheduler key '" + key + "' has value " + Echo
			.of(e) + "; expected " + (integer ? "an integer" : "a finite number"));
		return v.doubleValue();
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
