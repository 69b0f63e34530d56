package sc.fiji.scoresde.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.JsonInput;
import sc.fiji.scoresde.model.HostTensor;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.weights.SafeTensors;
import sc.fiji.scoresde.model.ModelConfigException;
import sc.fiji.scoresde.model.Parameter;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * A resumable training state in one safetensors file: the weights ({@code model/KEY}), their moving average
 * ({@code ema/KEY}) and Adam's moments ({@code adam.m/KEY}, {@code adam.v/KEY}), with the step count, the
 * architecture, the scheduler and the options as metadata. Written atomically (a crash keeps the previous one).
 */
public final class TrainingCheckpoint {

	private final Path file;
	private final Map<String, HostTensor> tensors;
	private final Map<String, String> metadata;
	private final UNet2DConfig unetConfig;
	private final SchedulerConfig scheduler;
	/** the options the run was started with, as {@link TrainingOptions#toJson} wrote them */
	private final JsonObject options;

	private TrainingCheckpoint(final Path file, final Map<String, HostTensor> tensors,
		final Map<String, String> metadata, final UNet2DConfig unetConfig, final SchedulerConfig scheduler,
		final JsonObject options)
	{
		this.file = file;
		this.tensors = tensors;
		this.metadata = metadata;
		this.unetConfig = unetConfig;
		this.scheduler = scheduler;
		this.options = options;
	}

	static void write(final Path file, final UNet2DModel unet, final Ema ema, final Adam adam, final int steps,
		final SchedulerConfig scheduler, final TrainingOptions options, final List<String> logLines)
		throws IOException
	{
		final Map<String, HostTensor> tensors = new LinkedHashMap<>();
		for (final Parameter p : unet.parameters().parameters().values())
			tensors.put("model/" + p.key(), host(p.get()));
		for (final Map.Entry<String, NDArray> e : ema.shadow().entrySet())
			tensors.put("ema/" + e.getKey(), host(e.getValue()));
		for (final Map.Entry<String, NDArray> e : adam.firstMoments().entrySet())
			tensors.put("adam.m/" + e.getKey(), host(e.getValue()));
		for (final Map.Entry<String, NDArray> e : adam.secondMoments().entrySet())
			tensors.put("adam.v/" + e.getKey(), host(e.getValue()));
		final Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("format", Trainer.CHECKPOINT_FORMAT);
		metadata.put("steps", Integer.toString(steps));
		metadata.put("adam_updates", Long.toString(adam.updates()));
		metadata.put("ema_updates", Long.toString(ema.updates()));
		metadata.put("unet_config", unet.config().toJson());
		metadata.put("scheduler_config", scheduler.toJson());
		metadata.put("options", options.toJson());
		SafeTensors.write(file, tensors, metadata);
		if (!logLines.isEmpty()) Files.write(file.resolveSibling("log.tsv"), (String.join("\n", logLines) + "\n")
			.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	private static HostTensor host(final NDArray a) {
		return HostTensor.ofFloats(a.getShape().getShape(), a.toFloatArray());
	}

	public static TrainingCheckpoint read(final Path file) throws IOException {
		final Map<String, String> metadata = SafeTensors.readHeader(file).metadata;
		if (!Trainer.CHECKPOINT_FORMAT.equals(metadata.get("format"))) throw new ModelFormatException(file +
			": not a training checkpoint of this tool (metadata 'format' is " + Echo.of(metadata.get("format")) +
			", expected '" + Trainer.CHECKPOINT_FORMAT + "')");
		for (final String key : new String[] { "steps", "adam_updates", "ema_updates", "unet_config",
			"scheduler_config", "options" })
			if (!metadata.containsKey(key)) throw new ModelFormatException(file + ": checkpoint metadata lacks '" + key +
				"'");
		final UNet2DConfig config;
		try {
			config = UNet2DConfig.parse(metadata.get("unet_config"), file + " (unet_config)");
		}
		catch (final ModelConfigException e) {
			throw new ModelFormatException(e.getMessage(), e);
		}
		final SchedulerConfig scheduler;
		try {
			scheduler = SchedulerConfig.parse(metadata.get("scheduler_config"), file + " (scheduler_config)");
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(e.getMessage(), e);
		}
		if (config.sampleSize == null || config.height() != config.width()) throw new ModelFormatException(file +
			" (unet_config): sample_size is " + (config.sampleSize == null ? "missing" : Arrays.toString(config
				.sampleSize)) + "; a training checkpoint of this tool holds the square crop side it trains on");
		final JsonObject options;
		try {
			options = JsonInput.parseObject(metadata.get("options"), file + " (options)");
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(e.getMessage() + "; the run's loss settings are unknown, so it cannot be " +
				"resumed");
		}
		weighting(file, options);
		sigmaData(file, options);
		for (final String key : new String[] { "steps", "adam_updates", "ema_updates" })
			count(file, metadata, key);
		return new TrainingCheckpoint(file, SafeTensors.read(file), metadata, config, scheduler, options);
	}

	private static long count(final Path file, final Map<String, String> metadata, final String key)
		throws ModelFormatException
	{
		try {
			final long v = Long.parseLong(metadata.get(key));
			if (v < 0 || v > Integer.MAX_VALUE) throw new NumberFormatException();
			return v;
		}
		catch (final NumberFormatException e) {
			throw new ModelFormatException(file + ": checkpoint metadata '" + key + "' is not a step count: " + Echo.of(
				metadata.get(key)));
		}
	}

	public UNet2DConfig unetConfig() {
		return unetConfig;
	}

	public SchedulerConfig scheduler() {
		return scheduler;
	}

	public int channels() {
		return unetConfig.inChannels;
	}

	public int steps() {
		return Integer.parseInt(metadata.get("steps"));
	}

	/** Optimizer updates done: fewer than {@link #steps()} when non-finite steps were skipped. */
	public long adamUpdates() {
		return Long.parseLong(metadata.get("adam_updates"));
	}

	public long emaUpdates() {
		return Long.parseLong(metadata.get("ema_updates"));
	}

	/** A value of the options the run was started with, as text; null when the checkpoint's options lack it. */
	public String option(final String key) {
		final JsonElement v = options.get(key);
		return v == null || v.isJsonNull() ? null : v.isJsonPrimitive() ? v.getAsString() : v.toString();
	}

	/** Options a resumed run takes from its checkpoint unless given again; a given value holds (e.g. more steps). */
	static final String[] RUN_OPTIONS = { "steps", "batch", "learning_rate", "lr_schedule", "warmup",
		"grad_clip", "ema_decay", "seed", "flips" };
	/** Options the checkpoint decides (its architecture, σ range and loss): a different given value is not used. */
	static final String[] FIXED_OPTIONS = { "architecture", "size", "channels", "sigma_min", "sigma_max", "eps",
		"weighting", "sigma_data" };

	/**
	 * Makes a resumed run go on with the options it was started with: those not given again come from here, and
	 * every difference is logged. Run options of checkpoints from before an option existed keep the given value.
	 */
	void fillOptions(final TrainingOptions o, final Consumer<String> log) throws ModelFormatException {
		final List<String> changed = new ArrayList<>(), ignored = new ArrayList<>();
		for (final String[] keys : new String[][] { RUN_OPTIONS, FIXED_OPTIONS }) {
			final boolean fixed = keys == FIXED_OPTIONS;
			for (final String key : keys) {
				final String stored = option(key), current = o.value(key);
				if (stored == null || sameValue(stored, current)) continue;
				if (o.isGiven(key)) {
					if (fixed) ignored.add(key + " " + stored + " (given: " + current + ")");
					else {
						changed.add(key + " " + current + " (the run had " + stored + ")");
						continue;
					}
				}
				try {
					o.set(key, stored);
				}
				catch (final IllegalArgumentException e) {
					throw new ModelFormatException(file + " (options): " + e.getMessage() + (fixed ? "" :
						"; give the option again to resume"));
				}
			}
		}
		// the run's loss, also for a run from before these options existed (paper weighting, σ_data from the data)
		o.weighting = weighting().name().toLowerCase(Locale.ROOT);
		o.sigmaData = sigmaData();
		try {
			o.validate();
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(file + " (options): " + e.getMessage());
		}
		if (!changed.isEmpty()) log.accept("resuming with a change: " + String.join(", ", changed));
		if (!ignored.isEmpty()) log.accept("a resumed run keeps its checkpoint's " + String.join(", ", ignored));
	}

	private static boolean sameValue(final String a, final String b) {
		if (a.equals(b)) return true;
		try {
			return Double.parseDouble(a) == Double.parseDouble(b);
		}
		catch (final NumberFormatException | NullPointerException e) {
			return false;
		}
	}

	/** The loss weighting the run was started with: "paper" for runs from before the option existed. */
	public DenoisingScoreMatching.Weighting weighting() {
		try {
			return weighting(file, options);
		}
		catch (final ModelFormatException e) {
			throw new IllegalStateException(e); // checked by read
		}
	}

	private static DenoisingScoreMatching.Weighting weighting(final Path file, final JsonObject options)
		throws ModelFormatException
	{
		final JsonElement v = options.get("weighting");
		if (v == null) return DenoisingScoreMatching.Weighting.PAPER;
		try {
			return DenoisingScoreMatching.Weighting.parse(JsonInput.string(v));
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(file + " (options): 'weighting' is " + JsonInput.kind(v) +
				"; expected \"paper\" or \"edm\"");
		}
	}

	/** σ_data of the edm weighting the run was started with (0: from the data), 0 for runs from before the option. */
	public double sigmaData() {
		try {
			return sigmaData(file, options);
		}
		catch (final ModelFormatException e) {
			throw new IllegalStateException(e); // checked by read
		}
	}

	private static double sigmaData(final Path file, final JsonObject options) throws ModelFormatException {
		final JsonElement v = options.get("sigma_data");
		if (v == null) return 0;
		final Double d = JsonInput.finiteNumber(v);
		if (d == null || d < 0) throw new ModelFormatException(file + " (options): 'sigma_data' is " + JsonInput.kind(
			v) + "; expected a finite number ≥ 0");
		return d;
	}

	/** The tensors under a prefix, keys without it. */
	public Map<String, HostTensor> section(final String prefix) {
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Map.Entry<String, HostTensor> e : tensors.entrySet())
			if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
		return out;
	}

	/**
	 * A section as arrays in {@code manager}, checked against the model's parameters (every key known, shapes
	 * equal).
	 */
	Map<String, NDArray> arrays(final String prefix, final NDManager manager, final UNet2DModel unet)
		throws ModelFormatException
	{
		final Map<String, Parameter> params = unet.parameters().parameters();
		final Map<String, NDArray> out = new LinkedHashMap<>();
		for (final Map.Entry<String, HostTensor> e : section(prefix).entrySet()) {
			final Parameter p = params.get(e.getKey());
			if (p == null || !java.util.Arrays.equals(p.shape().getShape(), e.getValue().shape()))
				throw new ModelFormatException(file + ": " + prefix + e.getKey() + " matches no parameter of the " +
					"architecture (or has another shape)");
			out.put(e.getKey(), manager.create(e.getValue().toFloatArray(), p.shape()));
		}
		return out;
	}
}
