package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import sc.fiji.scoresde.errors.Echo;

/**
 * Reads a state dict saved by {@code torch.save} in the zip format ({@code diffusion_pytorch_model.bin}) with
 * {@link RestrictedUnpickler}: only tensors, storages and ordered dicts are built, nothing is executed. Storages are
 * read once each, after the pickle's tensors have been checked against them and their sizes against the heap; tensors
 * that view the same storage share its bytes. No entry is inflated past the size the zip directory declares for it.
 */
public final class TorchCheckpoint {

	/** data.pkl of a state dict is small; anything larger than this is not a weights file. */
	private static final long MAX_PICKLE_BYTES = 64L * 1024 * 1024;
	/** A storage is read into one Java array. */
	private static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 16;

	private TorchCheckpoint() {}

	/** Reads the storages of a state dict: every one is checked before any is read, then each is read once. */
	interface StorageSource {

		/** Refuses a storage that cannot be read (missing, or smaller than the pickle says) without reading it. */
		void check(StorageView.Storage storage) throws ModelFormatException;

		/** The storage's bytes, little-endian, exactly storage.byteSize long. */
		ByteBuffer read(StorageView.Storage storage) throws IOException;
	}

	public static Map<String, HostTensor> read(final Path file) throws IOException {
		return read(file, TorchCheckpoint::availableHeap);
	}

	/** @param heap the heap bytes available to the storages, given the bytes they need */
	static Map<String, HostTensor> read(final Path file, final LongUnaryOperator heap) throws IOException {
		return withPickle(file, (root, storages) -> stateDict(root, file.toString(), heap, storages));
	}

	/**
	 * The Java heap {@link #read} needs for the file's storages and strided tensor copies, from its pickle and zip
	 * directory alone (no storage is read): what a caller should check before reading weights, since the file's
	 * size says nothing about a deflated archive.
	 */
	public static long heapBytes(final Path file) throws IOException {
		return withPickle(file, (root, storages) -> Plan.of(root, file.toString(), storages).needed());
	}

	private interface PickleUse<T> {

		T apply(Object root, StorageSource storages) throws IOException;
	}

	private static <T> T withPickle(final Path file, final PickleUse<T> use) throws IOException {
		final ZipFile zip;
		try {
			zip = new ZipFile(file.toFile());
		}
		catch (final ZipException e) {
			throw new ModelFormatException(file + ": not a torch.save zip archive (" + e.getMessage() +
				"); legacy non-zip torch files are not supported, re-save with torch>=1.6 or use safetensors", e);
		}
		try (ZipFile z = zip) {
			final ZipEntry pickle = findPickle(z, file);
			final String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
			checkByteOrder(z, prefix, file);
			final byte[] pkl = readEntry(z, pickle, MAX_PICKLE_BYTES, "a weights pickle", file);
			return use.apply(new RestrictedUnpickler(pkl, file.toString()).load(), new ArchiveStorages(z, prefix, file));
		}
	}

	/**
	 * The state dict of an unpickled root: checks every storage its tensors use and their total size against the
	 * heap, then reads each storage once and builds the tensors over it.
	 */
	static Map<String, HostTensor> stateDict(final Object root, final String source, final LongUnaryOperator heap,
		final StorageSource storages) throws IOException
	{
		final Plan plan = Plan.of(root, source, storages);
		final long needed = plan.needed();
		final long available = heap.applyAsLong(needed);
		if (needed > available) throw new ModelFormatException(String.format(Locale.ROOT,
			"%s: its tensors need %d bytes (%.0f MB) of Java heap (%d %s of %d bytes, each read once%s), only %.0f MB" +
				" are available; start Java with a larger -Xmx (Fiji: Edit > Options > Memory & Threads)", source,
			needed, needed / 1e6, plan.storages.size(), plan.storages.size() == 1 ? "storage" : "storages",
			plan.storageBytes, plan.copyBytes > 0 ? ", and " + plan.copyBytes +
				" bytes of strided tensors copied out of them" : "", available / 1e6));
		final Map<String, ByteBuffer> bytes = new HashMap<>();
		for (final StorageView.Storage s : plan.storages.values())
			bytes.put(s.key, storages.read(s));
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Map.Entry<String, StorageView> kv : plan.views.entrySet())
			out.put(kv.getKey(), kv.getValue().tensor(bytes.get(kv.getValue().storage.key)));
		return out;
	}

	/** A state dict's tensors and the storages they use, each checked, and the heap reading them takes. */
	private static final class Plan {

		final Map<String, StorageView> views = new LinkedHashMap<>();
		final Map<String, StorageView.Storage> storages = new LinkedHashMap<>();
		long storageBytes;
		long copyBytes;

		static Plan of(final Object root, final String source, final StorageSource archive)
			throws ModelFormatException
		{
			if (!(root instanceof Map)) throw new ModelFormatException(source +
				": the pickle holds no state dict (expected a dict of tensors)");
			final Plan plan = new Plan();
			for (final Map.Entry<?, ?> kv : ((Map<?, ?>) root).entrySet()) {
				if (!(kv.getKey() instanceof String)) throw new ModelFormatException(source + ": state dict key " +
					Echo.of(kv.getKey()) + " is not a string");
				if (!(kv.getValue() instanceof StorageView)) throw new ModelFormatException(source +
					": state dict entry " + Echo.quoted(kv.getKey()) + " is not a tensor");
				final StorageView view = (StorageView) kv.getValue();
				plan.views.put((String) kv.getKey(), view);
				plan.copyBytes = saturatedAdd(plan.copyBytes, view.copyBytes());
				final StorageView.Storage s = view.storage;
				if (plan.storages.putIfAbsent(s.key, s) != null) continue;
				if (s.byteSize > MAX_STORAGE_BYTES) throw new ModelFormatException(source + ": storage " + Echo.quoted(
					s.key) + " has " + s.byteSize + " bytes, more than the 2 GiB a storage may have here; save the" +
					" model as safetensors or in smaller tensors");
				archive.check(s);
				plan.storageBytes = saturatedAdd(plan.storageBytes, s.byteSize);
			}
			return plan;
		}

		long needed() {
			return saturatedAdd(storageBytes, copyBytes);
		}
	}

	private static long saturatedAdd(final long a, final long b) {
		final long r = a + b;
		return r < 0 ? Long.MAX_VALUE : r;
	}

	/** Heap that is free or can be claimed up to -Xmx; collects once before saying that {@code wanted} does not fit. */
	private static long availableHeap(final long wanted) {
		final Runtime rt = Runtime.getRuntime();
		long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (available < wanted) {
			System.gc();
			available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		}
		return available;
	}

	/** Storages as entries {@code <prefix>data/<key>} of the archive. */
	private static final class ArchiveStorages implements StorageSource {

		private final ZipFile zip;
		private final String prefix;
		private final Path file;

		ArchiveStorages(final ZipFile zip, final String prefix, final Path file) {
			this.zip = zip;
			this.prefix = prefix;
			this.file = file;
		}

		@Override
		public void check(final StorageView.Storage s) throws ModelFormatException {
			final ZipEntry entry = entry(s);
			if (entry.getSize() < s.byteSize) throw new ModelFormatException(file + ": storage " + s.key + " has " +
				entry.getSize() + " bytes in the archive, the pickle says " + s.numel + " × " + s.dtype + " = " +
				s.byteSize);
		}

		@Override
		public ByteBuffer read(final StorageView.Storage s) throws IOException {
			final ZipEntry entry = entry(s);
			final byte[] bytes = new byte[(int) s.byteSize];
			try (InputStream in = zip.getInputStream(entry)) {
				final int n = in.readNBytes(bytes, 0, bytes.length);
				if (n < bytes.length) throw new ModelFormatException(file + ": storage " + s.key + " is truncated (" +
					n + " of " + s.byteSize + " bytes)");
				if (entry.getSize() == s.byteSize && in.read() >= 0) throw inflatesPastItsSize(entry, file);
			}
			catch (final ModelFormatException e) {
				throw e;
			}
			catch (final IOException e) {
				throw new ModelFormatException(file + ": cannot read storage " + s.key + ": " + e.getMessage(), e);
			}
			return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		}

		private ZipEntry entry(final StorageView.Storage s) throws ModelFormatException {
			if (!s.key.matches("[A-Za-z0-9_]{1,64}")) throw new ModelFormatException(file + ": storage key " + Echo
				.quoted(s.key) + " is not a plain name");
			final ZipEntry entry = zip.getEntry(prefix + "data/" + s.key);
			if (entry == null) throw new ModelFormatException(file + ": storage " + s.key +
				" is referenced by the pickle but missing from the archive (expected entry " + Echo.of(prefix + "data/" +
					s.key) + ")");
			return entry;
		}
	}

	private static ZipEntry findPickle(final ZipFile z, final Path file) throws ModelFormatException {
		ZipEntry found = null;
		final Enumeration<? extends ZipEntry> en = z.entries();
		while (en.hasMoreElements()) {
			final ZipEntry e = en.nextElement();
			final String n = e.getName();
			if (n.equals("data.pkl") || (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)) {
				if (found != null) throw new ModelFormatException(file + ": archive holds more than one data.pkl");
				found = e;
			}
		}
		if (found == null) throw new ModelFormatException(file +
			": zip archive has no data.pkl (expected a torch.save file)");
		return found;
	}

	private static void checkByteOrder(final ZipFile z, final String prefix, final Path file) throws IOException {
		final ZipEntry e = z.getEntry(prefix + "byteorder");
		if (e == null) return;
		final String order = new String(readEntry(z, e, 16, "a byteorder record", file), StandardCharsets.US_ASCII)
			.trim();
		if (!order.equals("little")) throw new ModelFormatException(file + ": byteorder '" + order +
			"' is not supported (expected little)");
	}

	/**
	 * An entry whose directory declares at most {@code limit} bytes, read whole; an entry that inflates to more than
	 * it declares is refused once the first extra byte shows.
	 */
	private static byte[] readEntry(final ZipFile z, final ZipEntry e, final long limit, final String what,
		final Path file) throws IOException
	{
		if (e.getSize() < 0 || e.getSize() > limit) throw new ModelFormatException(file + ": entry " + Echo.of(e
			.getName()) + " declares " + e.getSize() + " bytes, more than the " + limit + " " + what + " may have");
		final byte[] bytes = new byte[(int) e.getSize()];
		try (InputStream in = z.getInputStream(e)) {
			final int n = in.readNBytes(bytes, 0, bytes.length);
			if (n < bytes.length) throw new ModelFormatException(file + ": entry " + Echo.of(e.getName()) +
				" is truncated (" + n + " of " + bytes.length + " bytes)");
			if (in.read() >= 0) throw inflatesPastItsSize(e, file);
		}
		catch (final ModelFormatException x) {
			throw x;
		}
		catch (final IOException x) {
			throw new ModelFormatException(file + ": cannot read entry " + Echo.of(e.getName()) + ": " + x
				.getMessage(), x);
		}
		return bytes;
	}

	private static ModelFormatException inflatesPastItsSize(final ZipEntry e, final Path file) {
		return new ModelFormatException(file + ": entry " + Echo.of(e.getName()) + " holds more than the " + e.getSize() +
			" bytes the zip directory declares (a damaged or forged archive); re-save the model with torch.save");
	}
}
