package sc.fiji.scoresde.train;

import sc.fiji.scoresde.runtime.DeviceChoice;

import com.google.gson.JsonObject;

import java.util.Locale;
import java.util.Set;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/** What a training run is asked to do; the CLI and the Fiji command fill it, {@link Trainer} checks and runs it. */
public final class TrainingOptions {

	/** the defaults of every front end; strings where picocli's defaultValue takes them */
	public static final String DEFAULT_ARCHITECTURE = "small", DEFAULT_LEARNING_RATE = "2e-4",
		DEFAULT_EMA_DECAY = "0.999", DEFAULT_SIGMA_MIN = "0.01", DEFAULT_WEIGHTING = "paper",
		DEFAULT_LR_SCHEDULE = "constant";
	public static final int DEFAULT_STEPS = 10000, DEFAULT_BATCH = 64, DEFAULT_CHECKPOINT_EVERY = 500;

	/** a preset name ({@code small}) or the path of a UNet2DModel config.json */
	public String architecture = DEFAULT_ARCHITECTURE;
	/** square crop side; 0: the largest that every image holds, rounded down to what the architecture allows */
	public int size = 0;
	/** 1 grey, 3 RGB, 0 as the data */
	public int channels = 0;
	/** optimizer steps (not sampler steps) */
	public int steps = DEFAULT_STEPS;
	public int batch = DEFAULT_BATCH;
	public double learningRate = Double.parseDouble(DEFAULT_LEARNING_RATE);
	/** after the warm-up: constant (score_sde_pytorch's) or cosine (half a cosine down to 0 at the last step) */
	public String lrSchedule = DEFAULT_LR_SCHEDULE;
	/** warm-up updates; negative: min(5000, steps/10) (the paper warms up over 5000 of its 1.3M steps) */
	public int warmup = -1;
	public double gradClip = 1.0;
	public double emaDecay = Double.parseDouble(DEFAULT_EMA_DECAY);
	public double sigmaMin = Double.parseDouble(DEFAULT_SIGMA_MIN);
	/** 0: the largest pairwise distance of the training images */
	public double sigmaMax = 0;
	public double eps = 1e-5;
	public boolean flips = true;
	public long seed = 0;
	/** a checkpoint every this many steps (and at the end, and on cancel) */
	public int checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
	/** continue from the output folder's checkpoint */
	public boolean resume;
	public String device = DeviceChoice.AUTO_NAME;
	/** at most this many images are read (all when ≤ 0) */
	public int limit = 0;
	/** loss weight per noise level: paper (w = 1) or edm (w = 1 + σ²/σ_data²) */
	public String weighting = DEFAULT_WEIGHTING;
	/** σ_data of the edm weighting; 0: the standard deviation of the training pixels */
	public double sigmaData = 0;
	/** a pipeline or UNet folder whose weights start the run (architecture and σ range come from it); null: fresh */
	public String init;
	/**
	 * The options the user gave (their {@link #toJson} keys: from the command line, a dialog, a macro); null: every
	 * one. A resumed run takes the others from its checkpoint, so that resuming alone continues a run as it started.
	 */
	public Set<String> given;

	/** true when the user gave the option of this {@link #toJson} key (or {@link #given} is null) */
	public boolean isGiven(final String key) {
		return given == null || given.contains(key);
	}

	/** An option's value in the form {@link #toJson} writes it; null for a key it does not write. */
	public String value(final String key) {
		final com.google.gson.JsonElement v = json().get(key);
		return v == null ? null : v.getAsString();
	}

	/**
	 * Sets an option from its {@link #toJson} text (a checkpoint's): integers for the counts and the seed, true or
	 * false for flips, numbers for the rest but architecture and weighting.
	 *
	 * @throws IllegalArgumentException when the key is unknown or the text is not of its type
	 */
	public void set(final String key, final String text) {
		try {
			switch (key) {
				case "architecture": architecture = text; break;
				case "weighting": weighting = text; break;
				case "lr_schedule": lrSchedule = text; break;
				case "size": size = Integer.parseInt(text); break;
				case "channels": channels = Integer.parseInt(text); break;
				case "steps": steps = Integer.parseInt(text); break;
				case "batch": batch = Integer.parseInt(text); break;
				case "warmup": warmup = Integer.parseInt(text); break;
				case "seed": seed = Long.parseLong(text); break;
				case "learning_rate": learningRate = Double.parseDouble(text); break;
				case "grad_clip": gradClip = Double.parseDouble(text); break;
				case "ema_decay": emaDecay = Double.parseDouble(text); break;
				case "sigma_min": sigmaMin = Double.parseDouble(text); break;
				case "sigma_max": sigmaMax = Double.parseDouble(text); break;
				case "eps": eps = Double.parseDouble(text); break;
				case "sigma_data": sigmaData = Double.parseDouble(text); break;
				case "flips":
					if (!text.equals("true") && !text.equals("false")) throw new NumberFormatException();
					flips = text.equals("true");
					break;
				default: throw new IllegalArgumentException("no training option '" + key + "'");
			}
		}
		catch (final NumberFormatException e) {
			throw new IllegalArgumentException("'" + key + "' is " + Echo.quoted(text) + ", not " + (key.equals(
				"flips") ? "true or false" : key.matches("size|channels|steps|batch|warmup|seed") ? "an integer" :
					"a number"));
		}
	}

	public int warmupSteps() {
		return warmup >= 0 ? warmup : Math.min(5000, steps / 10);
	}

	/** The update at which the rate has decayed to 0 ({@link Adam#decayEnd}); 0 for a constant rate. */
	public long decayEnd() {
		return "cosine".equals(lrSchedule) ? steps : 0;
	}

	public void validate() {
		DeviceChoice.parse(device);
		check(steps >= 1, "steps must be at least 1, got " + steps);
		check(batch >= 1 && batch <= 65536, "batch must be in 1..65536, got " + batch);
		check(size >= 0 && size <= 65536, "size must be 0 (automatic) or a side in pixels, got " + size);
		check(channels == 0 || channels == 1 || channels == 3, "channels must be 0 (as the data), 1 or 3, got " +
			channels);
		check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive, got " +
			learningRate);
		check("constant".equals(lrSchedule) || "cosine".equals(lrSchedule), "learning-rate schedule " + Echo.quoted(
			lrSchedule) + " is not one of constant, cosine");
		check(emaDecay >= 0 && emaDecay < 1, "EMA decay must be in [0, 1), got " + emaDecay);
		check(sigmaMin >= SchedulerConfig.MIN_SIGMA && sigmaMin < SchedulerConfig.MAX_SIGMA, "sigma_min must be " +
			"between " + SchedulerConfig.MIN_SIGMA + " and " + SchedulerConfig.MAX_SIGMA + ", got " + sigmaMin);
		check(sigmaMax == 0 || sigmaMax > sigmaMin && sigmaMax <= SchedulerConfig.MAX_SIGMA, "sigma_max must be 0 " +
			"(from the data) or above sigma_min and at most " + SchedulerConfig.MAX_SIGMA + ", got " + sigmaMax);
		check(eps > 0 && eps < 1, "eps must be in (0, 1), got " + eps);
		check(checkpointEvery >= 1, "checkpoint interval must be at least 1 step, got " + checkpointEvery);
		try {
			DenoisingScoreMatching.Weighting.parse(weighting);
		}
		catch (final IllegalArgumentException e) {
			throw new InvalidOptionException("loss weighting " + Echo.quoted(weighting) +
				" is not one of paper, edm");
		}
		check(sigmaData >= 0 && Double.isFinite(sigmaData), "sigma_data must be 0 (from the data) or positive, got " +
			sigmaData);
		check(!(resume && init != null), "resume continues the output folder's run; it cannot start from another " +
			"model (init) as well");
		check(gradClip != 0 && Double.isFinite(gradClip), "gradient clip must be positive (or negative: none), got " +
			gradClip);
	}

	private static void check(final boolean ok, final String message) {
		if (!ok) throw new InvalidOptionException(message);
	}

	/** The options as JSON, kept with checkpoints and in {@code training/options.json}. */
	public String toJson() {
		return new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(json()) + "\n";
	}

	private JsonObject json() {
		final JsonObject o = new JsonObject();
		o.addProperty("architecture", architecture);
		o.addProperty("size", size);
		o.addProperty("channels", channels);
		o.addProperty("steps", steps);
		o.addProperty("batch", batch);
		o.addProperty("learning_rate", learningRate);
		o.addProperty("lr_schedule", lrSchedule);
		o.addProperty("warmup", warmupSteps());
		o.addProperty("grad_clip", gradClip);
		o.addProperty("ema_decay", emaDecay);
		o.addProperty("sigma_min", sigmaMin);
		o.addProperty("sigma_max", sigmaMax);
		o.addProperty("eps", eps);
		o.addProperty("flips", flips);
		o.addProperty("seed", seed);
		o.addProperty("limit", limit);
		o.addProperty("weighting", weighting);
		o.addProperty("sigma_data", sigmaData);
		if (init != null) o.addProperty("init", init);
		return o;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%d steps, batch %d, lr %s %s (warm-up %d), clip %s, EMA %s, seed %d, " +
			"weighting %s", steps, batch, learningRate, lrSchedule, warmupSteps(), gradClip, emaDecay, seed,
			weighting);
	}
}
