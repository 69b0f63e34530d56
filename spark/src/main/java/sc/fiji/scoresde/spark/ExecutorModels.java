package sc.fiji.scoresde.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.runtime.ModelLocator;
import sc.fiji.scoresde.runtime.ModelRuntime;
import sc.fiji.scoresde.hub.HubClient;

/**
 * The model of each (model, device) in this executor JVM: located once (a hub id is fetched into this executor's hub
 * cache), loaded and kept by the process's model cache (ModelRuntime), so that tasks of one run share it; libtorch's
 * memory goes when the executor exits.
 */
final class ExecutorModels {

	private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
	private static final Map<String, Path> LOCATED = new HashMap<>();
	private static final Set<LoadedModel> SEEN = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

	private ExecutorModels() {}

	static synchronized LoadedModel get(final String model, final String device) throws IOException {
		final String key = device + "\u0000" + (model == null ? "" : model);
		Path folder = LOCATED.get(key);
		if (folder == null) {
			folder = ModelLocator.locate(model, HubClient.Progress.NONE, LOG::info);
			LOCATED.put(key, folder);
		}
		final LoadedModel m = ModelRuntime.load(folder, DeviceChoice.parse(device), LOG::info);
		if (SEEN.add(m)) LOG.info("executor loaded model {} on {}", folder, m.device());
		return m;
	}

	/** How many times this JVM has loaded a model (tests: once per executor, not once per task). */
	static synchronized int loads() {
		return SEEN.size();
	}
}
