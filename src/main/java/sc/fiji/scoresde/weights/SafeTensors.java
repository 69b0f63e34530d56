package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.DType;
import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.errors.ModelFormatException;

import sc.fiji.scoresde.io.AtomicFiles;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader and writer of the safetensors format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the data. Every length in the file is checked against the file size
 * before anything is allocated, so a hostile header fails fast with a message instead of exhausting memory.
 */
public final class SafeTensors {

	/** Headers larger than this are refused (the format's own reference reader uses the same bound). */
	static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

	private SafeTensors() {}

	/** One entry of the header. */
	public static final class Entry {

		public final String name;
		public final DType dtype;
		public final long[] shape;
		public final long begin;
		public final long end;

		Entry(final String name, final DType dtype, final long[] shape, final long begin, final long end) {
			this.name = name;
			this.dtype = dtype;
			this.shape = shape;
			this.begin = begin;
			this.end = end;
		}
	}

	/** The parsed header of a file: entries in file order and the free-form metadata. */
	public static final class Header {

		public final Map<String, Entry> entries;
		public final Map<String, String> metadata;
		final long dataStart;

		Header(final Map<String, Entry> entries, final Map<String, String> metadata, final long dataStart) {
			this.entries = entries;
			this.metadata = metadata;
			this.dataStart = dataStart;
		}
	}

	/** Reads every tensor of a file. */
	public static Map<String, HostTensor> read(final Path file) throws IOException {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			return read(ch, file.toString());
		}
	}

	/** Reads every tensor from a channel; {@code source} names it in messages. */
	public static Map<String, HostTensor> read(final SeekableByteChannel ch, final String source)
		throws IOException
	{
		final Header header = readHeader(ch, source);
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Entry e : header.entries.values()) {
			out.put(e.name, readEntry(ch, header, e, source));
		}
		return out;
	}

	/** Reads only the header of a file (names, shapes, dtypes, metadata). */
	public static Header readHeader(final Path file) throws IOException {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			return readHeader(ch, file.toString());
		}
	}

	static HostTensor readEntry(final SeekableByteChannel ch, final Header header, final Entry e, final String file)
		throws IOException
	{
		final long length = e.end - e.begin;
		if (length > Integer.MAX_VALUE - 16) throw new ModelFormatException(file + ": tensor '" + e.name +
			"' has " + length + " bytes; tensors above 2 GiB are not supported");
		final ByteBuffer buf = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
		readFully(ch, buf, header.dataStart + e.begin, file);
		buf.flip();
		return new HostTensor(e.dtype, e.shape, buf);
	}

	private static void readFully(final SeekableByteChannel ch, final ByteBuffer buf, long position,
		final String file) throws IOException
	{
		while (buf.hasRemaining()) {
			ch.position(position);
			final int n = ch.read(buf);
			if (n < 0) throw new ModelFormatException(file + ": file ends early (truncated safetensors file)",
				new EOFException());
			position += n;
		}
	}

	static Header readHeader(final SeekableByteChannel ch, final String file) throws IOException {
		final long fileSize = ch.size();
		if (fileSize < 8) throw new ModelFormatException(file + ": " + fileSize +
			" bytes is too short for a safetensors file (expected an 8-byte header length)");
		final ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
		readFully(ch, lenBuf, 0, file);
		final long headerLength = lenBuf.getLong(0);
		if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
			throw new ModelFormatException(file + ": safetensors header length " + Long.toUnsignedString(
				headerLength) + " is impossible for a file of " + fileSize + " bytes (at most " + Math.min(
					MAX_HEADER_BYTES, fileSize - 8) + ")");
		}
		final ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
		readFully(ch, headerBuf, 8, file);
		final String json = new String(headerBuf.array(), StandardCharsets.UTF_8);
		final JsonObject root;
		try {
			final JsonElement parsed = JsonParser.parseString(json);
			if (!parsed.isJsonObject()) throw new ModelFormatException(file +
				": safetensors header is not a JSON object");
			root = parsed.getAsJsonObject();
		}
		catch (final JsonParseException | IllegalStateException | StackOverflowError e) {
			throw new ModelFormatException(file + ": safetensors header is not valid JSON (" + e.getMessage() +
				")", e instanceof StackOverflowError ? null : e);
		}
		final long dataSize = fileSize - 8 - headerLength;
		final Map<String, Entry> entries = new LinkedHashMap<>();
		final Map<String, String> metadata = new LinkedHashMap<>();
		for (final Map.Entry<String, JsonElement> kv : root.entrySet()) {
			final String name = kv.getKey();
			if (name.equals("__metadata__")) {
				readMetadata(kv.getValue(), metadata, file);
				continue;
			}
			entries.put(name, parseEntry(name, kv.getValue(), dataSize, file));
		}
		checkNoOverlap(entries, file);
		return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata), 8 +
			headerLength);
	}

	private static void readMetadata(final JsonElement value, final Map<String, String> metadata,
		final String file) throws ModelFormatException
	{
		if (!value.isJsonObject()) throw new ModelFormatException(file +
			": safetensors '__metadata__' must be an object of strings");
		for (final Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
			if (!m.getValue().isJsonPrimitive()) throw new ModelFormatException(file + ": metadata key '" + m
				.getKey() + "' must be a string");
			metadata.put(m.getKey(), m.getValue().getAsString());
		}
	}

	private static Entry parseEntry(final String name, final JsonElement value, final long dataSize,
		final String file) throws ModelFormatException
	{
		final String where = file + ": tensor '" + name + "'";
		if (!value.isJsonObject()) throw new ModelFormatException(where + " must be an object with dtype, shape" +
			" and data_offsets");
		final JsonObject o = value.getAsJsonObject();
		final JsonElement dt = o.get("dtype");
		final DType dtype = dt != null && dt.isJsonPrimitive() ? DType.fromSafetensorsName(dt.getAsString())
			: null;
		if (dtype == null) throw new ModelFormatException(where + " has unsupported dtype " + dt +
			" (expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
		final long[] shape = longArray(o.get("shape"), where + " shape", -1);
		final long[] offsets = longArray(o.get("data_offsets"), where + " data_offsets", 2);
		final long begin = offsets[0];
		final long end = offsets[1];
		if (begin > end || end > dataSize) throw new ModelFormatException(where + " has data_offsets [" + begin +
			", " + end + "] outside the " + dataSize + " data bytes of the file");
		final long numel;
		try {
			numel = HostTensor.numel(shape);
			final long bytes = Math.multiplyExact(numel, dtype.bytes());
			if (bytes != end - begin) throw new ModelFormatException(where + " of dtype " + dtype + " and shape " +
				java.util.Arrays.toString(shape) + " needs " + bytes + " bytes but data_offsets span " + (end -
					begin));
		}
		catch (final ArithmeticException e) {
			throw new ModelFormatException(where + " has a shape whose size overflows: " + java.util.Arrays
				.toString(shape));
		}
		return new Entry(name, dtype, shape, begin, end);
	}

	private static long[] longArray(final JsonElement e, final String what, final int expectedLength)
		throws ModelFormatException
	{
		if (e == null || !e.isJsonArray()) throw new ModelFormatException(what + " must be an array of integers");
		final JsonArray a = e.getAsJsonArray();
		if (expectedLength >= 0 && a.size() != expectedLength) throw new ModelFormatException(what +
			" must have " + expectedLength + " entries, has " + a.size());
		if (a.size() > 64) throw new ModelFormatException(what + " has " + a.size() + " dimensions (at most 64)");
		final long[] out = new long[a.size()];
		for (int i = 0; i < out.length; i++) {
			final JsonElement x = a.get(i);
			final long v;
			try {
				if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) throw new NumberFormatException();
				v = x.getAsBigDecimal().longValueExact();
			}
			catch (final NumberFormatException | ArithmeticException ex) {
				throw new ModelFormatException(what + " entry " + i + " is not a non-negative integer: " + x);
			}
			if (v < 0) throw new ModelFormatException(what + " entry " + i + " is negative: " + v);
			out[i] = v;
		}
		return out;
	}

	private static void checkNoOverlap(final Map<String, Entry> entries, final String file)
		throws ModelFormatException
	{
		final List<Entry> sorted = new ArrayList<>(entries.values());
		sorted.sort(Comparator.comparingLong((Entry x) -> x.begin).thenComparingLong(x -> x.end));
		for (int i = 1; i < sorted.size(); i++) {
			final Entry a = sorted.get(i - 1);
			final Entry b = sorted.get(i);
			if (b.begin < a.end) throw new ModelFormatException(file + ": tensors '" + a.name + "' and '" + b.name +
				"' overlap in the data section");
		}
	}

	/** Writes tensors (in the map's order) and optional metadata to a file, through a temporary file. */
	public static void write(final Path file, final Map<String, HostTensor> tensors,
		final Map<String, String> metadata) throws IOException
	{
		AtomicFiles.write(file, out -> write(out, tensors, metadata));
	}

	public static void write(final OutputStream out, final Map<String, HostTensor> tensors,
		final Map<String, String> metadata) throws IOException
	{
		final JsonObject header = new JsonObject();
		if (metadata != null && !metadata.isEmpty()) {
			final JsonObject m = new JsonObject();
			metadata.forEach(m::addProperty);
			header.add("__metadata__", m);
		}
		long offset = 0;
		for (final Map.Entry<String, HostTensor> kv : tensors.entrySet()) {
			final HostTensor t = kv.getValue();
			final JsonObject o = new JsonObject();
			o.addProperty("dtype", t.dtype().name());
			final JsonArray shape = new JsonArray();
			for (final long d : t.shape())
				shape.add(d);
			o.add("shape", shape);
			final JsonArray offs = new JsonArray();
			offs.add(offset);
			offset += t.bytes().remaining();
			offs.add(offset);
			o.add("data_offsets", offs);
			header.add(kv.getKey(), o);
		}
		byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
		final int padded = (json.length + 7) / 8 * 8;
		final byte[] h = new byte[padded];
		java.util.Arrays.fill(h, (byte) ' ');
		System.arraycopy(json, 0, h, 0, json.length);
		json = h;
		final ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
		out.write(len.array());
		out.write(json);
		for (final HostTensor t : tensors.values()) {
			final ByteBuffer b = t.bytes();
			final byte[] chunk = new byte[Math.min(1 << 20, Math.max(1, b.remaining()))];
			while (b.hasRemaining()) {
				final int n = Math.min(chunk.length, b.remaining());
				b.get(chunk, 0, n);
				out.write(chunk, 0, n);
			}
		}
	}

}
