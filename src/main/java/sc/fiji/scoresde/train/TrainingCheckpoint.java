package sc.fiji.scoresde.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.scoresde.io.HostTensor;
import sc.fiji.scoresde.io.ModelFormatException;
import sc.fiji.scoresde.io.SafeTensors;
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

	private TrainingCheckpoint(final Path file, final Map<String, HostTensor> tensors,
		final Map<String, String> metadata, final UNet2DConfig unetConfig, final SchedulerConfig scheduler)
	{
		this.file = file;
		this.tensors = tensors;
		this.metadata = metadata;
		this.unetConfig = unetConfig;
		this.scheduler = scheduler;
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
			": not a training checkpoint of this tool (metadata 'format' is " + metadata.get("format") +
			", expected '" + Trainer.CHECKPOINT_FORMAT + "')");
		for (final String key : new String[] { "steps", "adam_updates", "ema_updates", "unet_config",
			"scheduler_config" })
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
		final TrainingCheckpoint c = new TrainingCheckpoint(file, SafeTensors.read(file), metadata, config, scheduler);
		c.count("steps");
		c.count("adam_updates");
		c.count("ema_updates");
		return c;
	}

	private long count(final String key) throws ModelFormatException {
		try {
			final long v = Long.parseLong(metadata.get(key));
			if (v < 0 || v > Integer.MAX_VALUE) throw new NumberFormatException();
			return v;
		}
		catch (final NumberFormatException e) {
			throw new ModelFormatException(file + ": checkpoint metadata '" + key + "' is not a step count: " + metadata
				.get(key));
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
		final String json = metadata.get("options");
		if (json == null) return null;
		try {
			final com.google.gson.JsonElement v = com.google.gson.JsonParser.parseString(json).getAsJsonObject().get(key);
			return v == null || v.isJsonNull() ? null : v.getAsString();
		}
		catch (final RuntimeException e) {
			return null;
		}
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
