package sc.fiji.scoresde.runtime;

import ai.djl.Device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The models loaded in this process, one per (folder, device), so that a second run on the same model does not read
 * and convert its weights again. The cache owns them: callers never close a model they got here. It keeps the
 * {@link #CAPACITY} most recently used and closes the one it evicts; a model whose files changed on disk (a training
 * run wrote new weights) is loaded again. Only the engine thread touches it ({@link ModelRuntime#load}).
 */
final class ModelCache {

	static final int CAPACITY = 2;

	private static final class Entry {

		final LoadedModel model;
		final List<String> stamp;

		Entry(final LoadedModel model, final List<String> stamp) {
			this.model = model;
			this.stamp = stamp;
		}
	}

	/** access order: the first is the least recently used */
	private static final Map<String, Entry> LOADED = new LinkedHashMap<>(4, 0.75f, true);

	private ModelCache() {}

	static synchronized LoadedModel get(final Path path, final Device device, final Consumer<String> log)
		throws IOException
	{
		final String key = path.toAbsolutePath().normalize() + "\u0000" + device;
		final List<String> stamp = stamp(path);
		final Entry e = LOADED.get(key);
		if (e != null && e.stamp.equals(stamp)) return e.model;
		if (e != null) {
			LOADED.remove(key);
			e.model.close();
			log.accept("model files changed on disk since they were loaded; loading them again");
		}
		final LoadedModel model = LoadedModel.load(path, device, log);
		LOADED.put(key, new Entry(model, stamp));
		for (final Iterator<Entry> i = LOADED.values().iterator(); LOADED.size() > CAPACITY;) {
			final Entry oldest = i.next();
			i.remove();
			oldest.model.close();
		}
		return model;
	}

	/** Closes every cached model (tests). */
	static synchronized void clear() {
		for (final Entry e : LOADED.values())
			e.model.close();
		LOADED.clear();
	}

	static synchronized int size() {
		return LOADED.size();
	}

	/** Name, size and modification time of the model's files (two folder levels: pipeline, component). */
	private static List<String> stamp(final Path path) throws IOException {
		final List<String> out = new ArrayList<>();
		if (!Files.isDirectory(path)) {
			add(out, path);
			return out;
		}
		try (Stream<Path> files = Files.walk(path, 2)) {
			files.sorted().forEach(f -> add(out, f));
		}
		return out;
	}

	private static void add(final List<String> out, final Path f) {
		try {
			final BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
			if (a.isRegularFile()) out.add(f + "\u0000" + a.size() + "\u0000" + a.lastModifiedTime().toMillis());
		}
		catch (final IOException e) {
			out.add(f + "\u0000unreadable");
		}
	}
}
