package sc.fiji.scoresde.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.Consumer;

import sc.fiji.scoresde.hub.HubClient;
import sc.fiji.scoresde.hub.HubSettings;
import sc.fiji.scoresde.hub.ModelId;
import sc.fiji.scoresde.errors.ModelFormatException;

/**
 * What a user types as model: empty (the bundled Fashion-MNIST demo model), an existing folder or file, or a
 * Hugging Face model id {@code org/name[@revision]} fetched into (or found in) the huggingface_hub cache. An existing
 * path wins over an id of the same spelling.
 */
public final class ModelLocator {

	private ModelLocator() {}

	public static boolean isAcceptable(final String model) {
		return model == null || model.trim().isEmpty() || exists(model) || ModelId.parse(model) != null;
	}

	public static Path locate(final String model, final HubClient.Progress progress, final Consumer<String> log)
		throws IOException
	{
		if (model == null || model.trim().isEmpty()) return DefaultModel.shared();
		if (exists(model)) return Paths.get(model.trim());
		final ModelId id = ModelId.parse(model);
		if (id == null) throw new ModelFormatException("model '" + model + "' is neither an existing folder or file " +
			"nor a Hugging Face model id (org/name or org/name@revision)");
		log.accept("model " + id + " from the Hugging Face hub (cache " + HubSettings.fromEnvironment().cache + ")");
		return new HubClient(HubSettings.fromEnvironment(), log).snapshot(id, progress);
	}

	private static boolean exists(final String model) {
		try {
			return Files.exists(Paths.get(model.trim()));
		}
		catch (final InvalidPathException e) {
			return false;
		}
	}
}
