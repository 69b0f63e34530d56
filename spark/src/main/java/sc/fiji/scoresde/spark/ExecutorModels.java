package sc.fiji.scoresde.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.hub.HubClient;

/**
 * The models loaded in this executor JVM, one per (model, device), loaded by the first task that needs one and kept
 * for the executor's lifetime: tasks of one run share it, and libtorch's memory goes when the executor exits. A hub
 * id is fetched into this executor's hub cache.
 */
final class ExecutorModels {

	private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
	private static final Map<String, LoadedModel> LOADED = new HashMap<>();
	private static int loads;

	private ExecutorModels() {}

	static synchronized LoadedModel get(final String model, final String device) throws IOException {
		final String key = device + "\u0000" + (model == null ? "" : model);
		LoadedModel m = LOADED.get(key);
		if (m == null) {
			final Path folder = ModelLocator.locate(model, HubClient.Progress.NONE, LOG::info);
			m = LoadedModel.load(folder, DeviceChoice.parse(device).resolve(LOG::info), LOG::info);
			LOG.info("executor loaded model {} on {}", folder, m.device());
			LOADED.put(key, m);
			loads++;
		}
		return m;
	}

	/** How many times this JVM has loaded a model (tests: once per executor, not once per task). */
	static synchronized int loads() {
		return loads;
	}
}
