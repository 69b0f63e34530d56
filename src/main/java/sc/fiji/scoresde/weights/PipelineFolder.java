package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.errors.ModelFormatException;

import sc.fiji.scoresde.io.BoundedFiles;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.JsonInput;
import sc.fiji.scoresde.model.ModelConfigException;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.sampling.RecommendedSampling;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * Finds the parts of a model on disk: a diffusers pipeline folder ({@code model_index.json} with a {@code unet} or
 * {@code model} component and {@code scheduler/scheduler_config.json}), a UNet folder ({@code config.json} and
 * weights; scheduler defaults then), or a weights file beside its {@code config.json}.
 */
public final class PipelineFolder {

	static final String[] WEIGHT_NAMES = { "diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin" };
	private static final int MAX_JSON_BYTES = 4 * 1024 * 1024;

	public final Path root;
	public final Path unetConfigFile;
	/** null when the folder holds only a config */
	public final Path weightsFile;
	/** null when the scheduler defaults apply */
	public final Path schedulerConfigFile;
	public final UNet2DConfig unetConfig;
	public final SchedulerConfig schedulerConfig;
	/** the folder's {@link SamplingRecommendationFile}; null when it has none */
	public final RecommendedSampling recommendedSampling;

	private PipelineFolder(final Path root, final Path unetConfigFile, final Path weightsFile,
		final Path schedulerConfigFile, final UNet2DConfig unetConfig, final SchedulerConfig schedulerConfig)
		throws IOException
	{
		this.root = root;
		this.unetConfigFile = unetConfigFile;
		this.weightsFile = weightsFile;
		this.schedulerConfigFile = schedulerConfigFile;
		this.unetConfig = unetConfig;
		this.schedulerConfig = schedulerConfig;
		this.recommendedSampling = SamplingRecommendationFile.readIn(root);
	}

	/**
	 * Resolves a path given by the user.
	 *
	 * @param requireWeights whether a folder with only a config is an error (generation) or fine (info)
	 */
	public static PipelineFolder open(final Path path, final boolean requireWeights) throws IOException,
		ModelConfigException
	{
		if (!Files.exists(path)) throw new ModelFormatException("model path " + path + " does not exist");
		if (Files.isRegularFile(path)) return fromWeightsFile(path);
		if (Files.isRegularFile(path.resolve("model_index.json"))) return fromPipeline(path, requireWeights);
		if (Files.isRegularFile(path.resolve("config.json"))) return fromUNetFolder(path, path, null,
			requireWeights);
		throw new ModelFormatException("model folder " + path + " has neither model_index.json nor config.json" +
			" (expected a diffusers pipeline folder, a UNet folder, or a weights file beside its config.json)");
	}

	private static PipelineFolder fromWeightsFile(final Path weights) throws IOException, ModelConfigException {
		final String name = weights.getFileName().toString();
		if (!name.endsWith(".safetensors") && !name.endsWith(".bin")) throw new ModelFormatException("model file " +
			weights + " is neither .safetensors nor .bin");
		final Path dir = weights.toAbsolutePath().getParent();
		final Path config = dir.resolve("config.json");
		if (!Files.isRegularFile(config)) throw new ModelFormatException("weights file " + weights +
			" has no config.json beside it (expected " + config + ")");
		return new PipelineFolder(dir, config, weights, null, UNet2DConfig.parse(readJson(config), config
			.toString()), new SchedulerConfig());
	}

	private static PipelineFolder fromPipeline(final Path root, final boolean requireWeights) throws IOException,
		ModelConfigException
	{
		final Path index = root.resolve("model_index.json");
		final JsonObject o = parseObject(index);
		final JsonElement cls = o.get("_class_name");
		if (cls != null && !"ScoreSdeVePipeline".equals(JsonInput.string(cls))) throw new ModelFormatException(index +
			": _class_name is " + JsonInput.kind(cls) + "; only ScoreSdeVePipeline folders are supported");
		String component = null;
		for (final String c : new String[] { "unet", "model" }) {
			if (o.has(c)) {
				component = c;
				break;
			}
		}
		if (component == null) throw new ModelFormatException(index +
			" names no 'unet' or 'model' component (expected e.g. \"unet\": [\"diffusers\", \"UNet2DModel\"])");
		checkComponent(index, o, component, "UNet2DModel");
		Path schedulerConfig = null;
		if (o.has("scheduler")) {
			checkComponent(index, o, "scheduler", "ScoreSdeVeScheduler");
			schedulerConfig = root.resolve("scheduler").resolve("scheduler_config.json");
			if (!Files.isRegularFile(schedulerConfig)) throw new ModelFormatException("pipeline folder " + root +
				" has no scheduler/scheduler_config.json although model_index.json names a scheduler");
		}
		final Path unetDir = root.resolve(component);
		if (!Files.isRegularFile(unetDir.resolve("config.json"))) throw new ModelFormatException("pipeline folder " +
			root + " has no " + component + "/config.json (model_index.json names the component '" + component +
			"')");
		return fromUNetFolder(root, unetDir, schedulerConfig, requireWeights);
	}

	private static void checkComponent(final Path index, final JsonObject o, final String name,
		final String expectedClass) throws ModelFormatException
	{
		final JsonElement e = o.get(name);
		if (!e.isJsonArray() || e.getAsJsonArray().size() != 2) throw new ModelFormatException(index +
			": component '" + name + "' is " + JsonInput.kind(e) + " (expected [library, class], e.g. [\"diffusers\", \"" +
			expectedClass + "\"])");
		final JsonElement second = e.getAsJsonArray().get(1);
		final String cls = JsonInput.string(second);
		if (cls == null) throw new ModelFormatException(index + ": component '" + name + "' has " + JsonInput.kind(
			second) + " where its class name belongs (expected \"" + expectedClass + "\")");
		if (!cls.equals(expectedClass)) throw new ModelFormatException(index + ": component '" + name + "' is a " +
			Echo.quoted(cls) + ", only " + expectedClass + " is supported");
	}

	private static PipelineFolder fromUNetFolder(final Path root, final Path unetDir, final Path schedulerConfig,
		final boolean requireWeights) throws IOException, ModelConfigException
	{
		final Path config = unetDir.resolve("config.json");
		Path weights = null;
		for (final String n : WEIGHT_NAMES) {
			if (Files.isRegularFile(unetDir.resolve(n))) {
				weights = unetDir.resolve(n);
				break;
			}
		}
		if (weights == null && requireWeights) throw new ModelFormatException("model folder " + unetDir +
			" has config.json but no weights (expected " + String.join(" or ", WEIGHT_NAMES) + ")");
		final UNet2DConfig unet = UNet2DConfig.parse(readJson(config), config.toString());
		final SchedulerConfig scheduler;
		try {
			scheduler = schedulerConfig == null ? new SchedulerConfig() : SchedulerConfig.parse(readJson(
				schedulerConfig), schedulerConfig.toString());
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(e.getMessage());
		}
		return new PipelineFolder(root, config, weights, schedulerConfig, unet, scheduler);
	}

	/** Reads the weights as a state dict with current diffusers key names. */
	public Map<String, HostTensor> readWeights() throws IOException {
		if (weightsFile == null) throw new ModelFormatException("model " + root + " has no weights file");
		final Map<String, HostTensor> raw = weightsFile.getFileName().toString().endsWith(".safetensors")
			? SafeTensors.read(weightsFile) : TorchCheckpoint.read(weightsFile);
		return LegacyKeys.toCurrent(raw);
	}

	static String readJson(final Path file) throws IOException {
		return new String(BoundedFiles.read(file, MAX_JSON_BYTES, ModelFormatException::new), StandardCharsets.UTF_8);
	}

	private static JsonObject parseObject(final Path file) throws IOException {
		final String text = readJson(file);
		try {
			return JsonInput.parseObject(text, file.toString());
		}
		catch (final IllegalArgumentException e) {
			throw new ModelFormatException(e.getMessage());
		}
	}

	/** A one-line description for logs. */
	public String describe() {
		return root + (weightsFile == null ? " (config only)" : " (weights " + weightsFile.getFileName() + ")");
	}
}
