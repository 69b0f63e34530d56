package sc.fiji.scoresde.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a state dict saved by {@code torch.save} in the zip format ({@code diffusion_pytorch_model.bin}) with
 * {@link RestrictedUnpickler}: only tensors, storages and ordered dicts are built, nothing is executed.
 */
public final class TorchCheckpoint {

	/** data.pkl of a state dict is small; anything larger than this is not a weights file. */
	private static final long MAX_PICKLE_BYTES = 64L * 1024 * 1024;

	private TorchCheckpoint() {}

	public static Map<String, HostTensor> read(final Path file) throws IOException {
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
			final byte[] pkl = readEntry(z, pickle, MAX_PICKLE_BYTES, file);
			final RestrictedUnpickler.StorageResolver storages = (key, dtype, numel) -> {
				if (!key.matches("[A-Za-z0-9_]{1,64}")) throw new ModelFormatException(file + ": storage key '" +
					key + "' is not a plain name");
				final ZipEntry entry = z.getEntry(prefix + "data/" + key);
				if (entry == null) throw new ModelFormatException(file + ": storage " + key +
					" is referenced by the pickle but missing from the archive (expected entry " + prefix + "data/" +
					key + ")");
				final long expected = Math.multiplyExact(numel, dtype.bytes());
				if (entry.getSize() >= 0 && entry.getSize() < expected) throw new ModelFormatException(file +
					": storage " + key + " has " + entry.getSize() + " bytes, the pickle says " + numel + " × " + dtype +
					" = " + expected);
				try {
					final byte[] bytes = readEntry(z, entry, expected, file);
					if (bytes.length < expected) throw new ModelFormatException(file + ": storage " + key +
						" is truncated (" + bytes.length + " of " + expected + " bytes)");
					return ByteBuffer.wrap(bytes, 0, (int) expected).slice().order(ByteOrder.LITTLE_ENDIAN);
				}
				catch (final ModelFormatException e) {
					throw e;
				}
				catch (final IOException e) {
					throw new ModelFormatException(file + ": cannot read storage " + key + ": " + e.getMessage(), e);
				}
			};
			final Object root = new RestrictedUnpickler(pkl, file.toString(), storages).load();
			return toStateDict(root, file);
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
		final String order = new String(readEntry(z, e, 16, file), StandardCharsets.US_ASCII).trim();
		if (!order.equals("little")) throw new ModelFormatException(file + ": byteorder '" + order +
			"' is not supported (expected little)");
	}

	private static byte[] readEntry(final ZipFile z, final ZipEntry e, final long limit, final Path file)
		throws IOException
	{
		if (e.getSize() > limit && limit < Long.MAX_VALUE) {
			if (limit == MAX_PICKLE_BYTES) throw new ModelFormatException(file + ": entry " + e.getName() + " has " +
				e.getSize() + " bytes, more than the " + limit + " a weights pickle may have");
		}
		if (limit > Integer.MAX_VALUE - 16) throw new ModelFormatException(file + ": entry " + e.getName() +
			" is larger than 2 GiB");
		final int cap = (int) limit;
		try (InputStream in = z.getInputStream(e)) {
			final byte[] buf = new byte[(int) Math.min(cap, e.getSize() >= 0 ? e.getSize() : 1 << 16)];
			byte[] out = buf;
			int n = 0;
			while (true) {
				if (n == out.length) {
					if (n >= cap) break;
					out = java.util.Arrays.copyOf(out, (int) Math.min(cap, Math.max(1024, (long) n * 2)));
				}
				final int r = in.read(out, n, out.length - n);
				if (r < 0) break;
				n += r;
			}
			return n == out.length ? out : java.util.Arrays.copyOf(out, n);
		}
	}

	private static Map<String, HostTensor> toStateDict(final Object root, final Path file)
		throws ModelFormatException
	{
		if (!(root instanceof Map)) throw new ModelFormatException(file +
			": the pickle holds no state dict (expected a dict of tensors)");
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Map.Entry<?, ?> kv : ((Map<?, ?>) root).entrySet()) {
			if (!(kv.getKey() instanceof String)) throw new ModelFormatException(file + ": state dict key " + kv
				.getKey() + " is not a string");
			if (!(kv.getValue() instanceof HostTensor)) throw new ModelFormatException(file + ": state dict entry '" +
				kv.getKey() + "' is not a tensor");
			out.put((String) kv.getKey(), (HostTensor) kv.getValue());
		}
		return out;
	}
}
