package sc.fiji.scoresde.fiji;

import java.util.List;
import java.util.Locale;

import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * The options of "Generate (VE)..." shared by the SciJava command and the menu entry. The option keys are the
 * SciJava field names lower-cased, which is what Fiji's macro recorder writes, so one macro line works in both.
 */
public final class GenerateOptions {

	public static final String TITLE = "Generate (VE)...";
	/** Its menu path (plugins.config); {@code --run} refuses it with the title to use instead. */
	public static final String MENU = "Plugins>Score SDE>" + TITLE;

	public static final String KEY_MODEL = "model";
	public static final String KEY_IMAGES = "images";
	public static final String KEY_STEPS = "steps";
	public static final String KEY_SEED = "seed";
	public static final String KEY_SNR = "snr";
	public static final String KEY_CORRECTORS = "correctors";
	public static final String KEY_DEVICE = "device";
	public static final String KEY_OUTPUT = "output";
	public static final String KEY_SAMPLER = "sampler";
	public static final String KEY_TOLERANCE = "tolerance";
	public static final String KEY_CHURN = "churn";
	public static final String KEY_CHECKPOINT = "checkpoint";
	public static final List<String> KEYS = List.of(KEY_MODEL, KEY_CHECKPOINT, KEY_IMAGES, KEY_STEPS, KEY_SEED,
		KEY_SNR, KEY_CORRECTORS, KEY_DEVICE, KEY_OUTPUT, KEY_SAMPLER, KEY_TOLERANCE, KEY_CHURN);
	public static final String[] SAMPLERS = sc.fiji.scoresde.sampling.SamplerOptions.NAMES.toArray(new String[0]);

	/** images per run, at most */
	public static final int MAX_IMAGES = 4096;

	public static final String OUTPUT_RGB = "RGB (8-bit)";
	public static final String OUTPUT_FLOAT = "float [0,1]";
	public static final String[] OUTPUTS = { OUTPUT_RGB, OUTPUT_FLOAT };
	public static final String[] DEVICES = DeviceChoice.NAMES.toArray(new String[0]);

	/** empty: the bundled Fashion-MNIST demo model */
	public String model = "";
	public int images = 1;
	/** −1: the model folder's recommendation (the bundled model's: 200), else diffusers' 2000 */
	public int steps = -1;
	/** −1: pick one */
	public long seed = -1;
	/** ≤ 0 … −1: the scheduler config's */
	public double snr = -1;
	/** −1: the scheduler config's */
	public int correctors = -1;
	public String device = DeviceChoice.AUTO_NAME;
	public String output = OUTPUT_RGB;
	/** see {@link sc.fiji.scoresde.sampling.SamplerOptions#NAMES} */
	public String sampler = sc.fiji.scoresde.sampling.SamplerOptions.DEFAULT_NAME;
	/** rtol = atol of the ode sampler */
	public double tolerance = Double.parseDouble(sc.fiji.scoresde.sampling.SamplerOptions.DEFAULT_ODE_TOLERANCE);
	/** S_churn of the heun sampler; −1: the model folder's recommendation for heun, else 0 */
	public double churn = -1;

	/** Checks every option; the message names the option, the value and what is allowed. */
	public void validate() {
		if (images < 1 || images > MAX_IMAGES) throw bad(KEY_IMAGES, images, "between 1 and " + MAX_IMAGES);
		if (steps != -1 && (steps < 1 || steps > SchedulerConfig.MAX_STEPS)) throw bad(KEY_STEPS, steps,
			"-1 (the model's recommendation) or between 1 and " + SchedulerConfig.MAX_STEPS);
		if (seed < -1 || seed > sc.fiji.scoresde.sampling.TorchNoise.MAX_SEED) throw bad(KEY_SEED, seed,
			"-1 (pick one) or between 0 and " + sc.fiji.scoresde.sampling.TorchNoise.MAX_SEED);
		if (!(snr == -1 || (snr >= 0 && snr <= SchedulerConfig.MAX_SNR))) throw bad(KEY_SNR, snr,
			"-1 (the model's) or between 0 and " + (int) SchedulerConfig.MAX_SNR);
		if (correctors < -1 || correctors > SchedulerConfig.MAX_CORRECT_STEPS) throw bad(KEY_CORRECTORS, correctors,
			"-1 (the model's) or between 0 and " + SchedulerConfig.MAX_CORRECT_STEPS);
		try {
			DeviceChoice.parse(device);
		}
		catch (final IllegalArgumentException e) {
			throw bad(KEY_DEVICE, device, "one of " + String.join(", ", DeviceChoice.NAMES));
		}
		if (!OUTPUT_RGB.equals(output) && !OUTPUT_FLOAT.equals(output)) throw bad(KEY_OUTPUT, output, "'" +
			OUTPUT_RGB + "' or '" + OUTPUT_FLOAT + "'");
		if (!sc.fiji.scoresde.sampling.SamplerOptions.NAMES.contains(sampler)) throw bad(KEY_SAMPLER, sampler,
			"one of " + sc.fiji.scoresde.sampling.SamplerOptions.NAMES);
		if (!(tolerance > 0 && tolerance < 1)) throw bad(KEY_TOLERANCE, tolerance, "a number in (0, 1)");
		if (!(churn == -1 || churn >= 0 && Double.isFinite(churn))) throw bad(KEY_CHURN, churn,
			"-1 (the model's recommendation, else 0) or a number ≥ 0");
		if (!sc.fiji.scoresde.runtime.ModelLocator.isAcceptable(model)) throw bad(KEY_MODEL, model,
			"an existing pipeline folder, UNet folder or weights file, a Hugging Face model id such as " +
				"google/ncsnpp-celebahq-256, or empty for the bundled Fashion-MNIST model");
	}

	private static IllegalArgumentException bad(final String key, final Object value, final String expected) {
		return new IllegalArgumentException("Generate (VE): option '" + key + "' is " + (value instanceof String
			? "'" + value + "'" : String.valueOf(value)) + "; expected " + expected);
	}

	/** "(none)" and the known hub checkpoints, as the dialogs offer them */
	public static String[] checkpointChoices() {
		final java.util.List<String> out = new java.util.ArrayList<>();
		out.add(NO_CHECKPOINT);
		for (final sc.fiji.scoresde.hub.KnownCheckpoints.Checkpoint c : sc.fiji.scoresde.hub.KnownCheckpoints.ALL)
			out.add(c.label());
		return out.toArray(new String[0]);
	}

	public static final String NO_CHECKPOINT = "(none: use the model field)";

	/** A checkpoint chosen from the list replaces the model field. */
	public void applyCheckpoint(final String choice) {
		if (choice != null && !choice.isEmpty() && !choice.equals(NO_CHECKPOINT)) model = sc.fiji.scoresde.hub
			.KnownCheckpoints.idOf(choice);
	}

	public GenerationRequest request() {
		final GenerationRequest r = new GenerationRequest();
		r.batch = images;
		r.seed = GenerationRequest.optionalSeed(seed);
		r.sampler.steps = steps == -1 ? null : steps;
		r.sampler.snr = snr == -1 ? null : snr;
		r.sampler.correctSteps = correctors == -1 ? null : correctors;
		r.sampler.name = sampler;
		r.sampler.odeTolerance = tolerance;
		r.sampler.churn = churn == -1 ? null : churn;
		return r;
	}

	public DeviceChoice deviceChoice() {
		return DeviceChoice.parse(device);
	}

	public boolean floatOutput() {
		return OUTPUT_FLOAT.equals(output);
	}

	/** The macro options string for these options, as the recorder writes it. */
	public String toMacroOptions() {
		return String.format(Locale.ROOT, "model=[%s] images=%d steps=%d seed=%d snr=%s correctors=%d device=%s " +
			"output=[%s] sampler=%s tolerance=%s churn=%s", model, images, steps, seed, snr, correctors, device, output,
			sampler, tolerance, churn);
	}
}
