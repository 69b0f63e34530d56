package sc.fiji.scoresde.weights;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes torch.save-shaped files for the reader's tests without torch: a protocol-2 state-dict pickle written op by
 * op, and a zip whose entries say whatever sizes the test chooses, so that a central directory can lie. Storages of
 * zeros are deflated once per MiB and the compressed MiB repeated, so a 1.9 GB storage costs a fraction of a second.
 */
final class TorchZips {

	private static final int MIB = 1 << 20;

	private TorchZips() {}

	/** One state-dict entry: a view (offset, size, stride) into a FloatStorage named by key. */
	static final class View {

		final String name;
		final String storageKey;
		final long storageNumel;
		final long offset;
		final long[] size;
		final long[] stride;

		View(final String name, final String storageKey, final long storageNumel, final long offset, final long[] size,
			final long[] stride)
		{
			this.name = name;
			this.storageKey = storageKey;
			this.storageNumel = storageNumel;
			this.offset = offset;
			this.size = size.clone();
			this.stride = stride.clone();
		}

		/** The whole storage as one flat tensor. */
		static View whole(final String name, final String storageKey, final long numel) {
			return new View(name, storageKey, numel, 0, new long[] { numel }, new long[] { 1 });
		}
	}

	/** The data.pkl torch.save writes for an OrderedDict of tensors (FloatStorage, cpu, no requires_grad). */
	static byte[] statePickle(final List<View> views) {
		final ByteArrayOutputStream b = new ByteArrayOutputStream();
		b.write(0x80);
		b.write(2);
		global(b, "collections", "OrderedDict");
		b.write(')');
		b.write('R');
		b.write('(');
		for (final View v : views) {
			string(b, v.name);
			global(b, "torch._utils", "_rebuild_tensor_v2");
			b.write('(');
			b.write('(');
			string(b, "storage");
			global(b, "torch", "FloatStorage");
			string(b, v.storageKey);
			string(b, "cpu");
			integer(b, v.storageNumel);
			b.write('t');
			b.write('Q');
			integer(b, v.offset);
			ints(b, v.size);
			ints(b, v.stride);
			b.write(0x89);
			global(b, "collections", "OrderedDict");
			b.write(')');
			b.write('R');
			b.write('t');
			b.write('R');
		}
		b.write('u');
		b.write('.');
		return b.toByteArray();
	}

	private static void global(final ByteArrayOutputStream b, final String module, final String name) {
		b.write('c');
		b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
	}

	private static void string(final ByteArrayOutputStream b, final String s) {
		final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
		b.write('X');
		for (int i = 0; i < 4; i++)
			b.write(utf8.length >>> (8 * i));
		b.writeBytes(utf8);
	}

	private static void integer(final ByteArrayOutputStream b, final long v) {
		if (v >= 0 && v <= Integer.MAX_VALUE) {
			b.write('J');
			for (int i = 0; i < 4; i++)
				b.write((int) (v >>> (8 * i)));
		}
		else {
			b.write(0x8a); // LONG1, 8 little-endian bytes
			b.write(8);
			for (int i = 0; i < 8; i++)
				b.write((int) (v >>> (8 * i)));
		}
	}

	private static void ints(final ByteArrayOutputStream b, final long[] values) {
		b.write('(');
		for (final long v : values)
			integer(b, v);
		b.write('t');
	}

	/** One zip entry: its compressed bytes and the sizes and CRC its headers declare. */
	static final class Entry {

		final String name;
		final boolean deflated;
		final List<byte[]> pieces;
		final long repeats;
		final long declaredSize;
		final long crc;

		private Entry(final String name, final boolean deflated, final List<byte[]> pieces, final long repeats,
			final long declaredSize, final long crc)
		{
			this.name = name;
			this.deflated = deflated;
			this.pieces = pieces;
			this.repeats = repeats;
			this.declaredSize = declaredSize;
			this.crc = crc;
		}

		long compressedSize() {
			return pieces.get(0).length + pieces.get(1).length * repeats + pieces.get(2).length;
		}

		/** Stored as is, sizes true. */
		static Entry stored(final String name, final byte[] data) {
			final CRC32 crc = new CRC32();
			crc.update(data);
			return new Entry(name, false, Arrays.asList(data, new byte[0], new byte[0]), 0, data.length, crc
				.getValue());
		}

		/** {@code head} then {@code zeros} zero bytes, deflated, sizes and CRC true. */
		static Entry deflated(final String name, final byte[] head, final long zeros) {
			return deflated(name, head, zeros, head.length + zeros);
		}

		/**
		 * {@code head} then {@code zeros} zero bytes, deflated; the headers declare {@code declaredSize} and the CRC of
		 * that many leading bytes (so a reader that believes them sees a consistent, smaller entry).
		 */
		static Entry deflated(final String name, final byte[] head, final long zeros, final long declaredSize) {
			final CRC32 crc = new CRC32();
			final long headBytes = Math.min(head.length, declaredSize);
			crc.update(head, 0, (int) headBytes);
			final byte[] zeroMib = new byte[MIB];
			for (long left = declaredSize - headBytes; left > 0; left -= MIB)
				crc.update(zeroMib, 0, (int) Math.min(MIB, left));
			final long repeats = zeros / MIB;
			final byte[] first = deflate(head, head.length, false);
			final byte[] mib = deflate(zeroMib, MIB, false);
			final byte[] last = deflate(zeroMib, (int) (zeros % MIB), true);
			return new Entry(name, true, Arrays.asList(first, mib, last), repeats, declaredSize, crc.getValue());
		}

		/** Raw deflate of data[0, n) ending in a full flush (more pieces may follow) or in the final block. */
		private static byte[] deflate(final byte[] data, final int n, final boolean finalBlock) {
			final Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
			try {
				d.setInput(data, 0, n);
				if (finalBlock) d.finish();
				final ByteArrayOutputStream out = new ByteArrayOutputStream();
				final byte[] buf = new byte[64 * 1024];
				while (true) {
					final int k = d.deflate(buf, 0, buf.length, finalBlock ? Deflater.NO_FLUSH : Deflater.FULL_FLUSH);
					out.write(buf, 0, k);
					if (finalBlock ? d.finished() : k < buf.length) break;
				}
				return out.toByteArray();
			}
			finally {
				d.end();
			}
		}
	}

	/** Writes the entries as a zip (no zip64: every size below 4 GiB). */
	static void write(final Path file, final List<Entry> entries) throws IOException {
		final List<Long> offsets = new ArrayList<>();
		try (OutputStream raw = Files.newOutputStream(file); Counting out = new Counting(new BufferedOutputStream(raw,
			MIB)))
		{
			for (final Entry e : entries) {
				offsets.add(out.count);
				out.u32(0x04034b50);
				out.u16(20);
				out.u16(0);
				out.u16(e.deflated ? 8 : 0);
				out.u16(0);
				out.u16(0x21); // 1980-01-01
				out.u32(e.crc);
				out.u32(e.compressedSize());
				out.u32(e.declaredSize);
				final byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
				out.u16(name.length);
				out.u16(0);
				out.write(name);
				out.write(e.pieces.get(0));
				for (long r = 0; r < e.repeats; r++)
					out.write(e.pieces.get(1));
				out.write(e.pieces.get(2));
			}
			final long directory = out.count;
			for (int i = 0; i < entries.size(); i++) {
				final Entry e = entries.get(i);
				out.u32(0x02014b50);
				out.u16(20);
				out.u16(20);
				out.u16(0);
				out.u16(e.deflated ? 8 : 0);
				out.u16(0);
				out.u16(0x21);
				out.u32(e.crc);
				out.u32(e.compressedSize());
				out.u32(e.declaredSize);
				final byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
				out.u16(name.length);
				out.u16(0);
				out.u16(0);
				out.u16(0);
				out.u16(0);
				out.u32(0);
				out.u32(offsets.get(i));
				out.write(name);
			}
			final long directorySize = out.count - directory;
			out.u32(0x06054b50);
			out.u16(0);
			out.u16(0);
			out.u16(entries.size());
			out.u16(entries.size());
			out.u32(directorySize);
			out.u32(directory);
			out.u16(0);
		}
	}

	/** A torch.save-like archive: data.pkl for the views, one deflated zero storage per key of the given bytes. */
	static void writeCheckpoint(final Path file, final List<View> views, final long... storageBytesByKey)
		throws IOException
	{
		final List<Entry> entries = new ArrayList<>();
		entries.add(Entry.stored("archive/data.pkl", statePickle(views)));
		entries.add(Entry.stored("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII)));
		for (int key = 0; key < storageBytesByKey.length; key++)
			entries.add(Entry.deflated("archive/data/" + key, new byte[0], storageBytesByKey[key]));
		entries.add(Entry.stored("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII)));
		write(file, entries);
	}

	/** {@code references} views of the whole of storage 0 ({@code numel} floats). */
	static List<View> sharedViews(final int references, final long numel) {
		final List<View> views = new ArrayList<>();
		for (int i = 0; i < references; i++)
			views.add(View.whole("shared." + i + ".weight", "0", numel));
		return views;
	}

	private static final class Counting extends OutputStream {

		private final OutputStream out;
		long count;

		Counting(final OutputStream out) {
			this.out = out;
		}

		@Override
		public void write(final int b) throws IOException {
			out.write(b);
			count++;
		}

		@Override
		public void write(final byte[] b, final int off, final int len) throws IOException {
			out.write(b, off, len);
			count += len;
		}

		void u16(final int v) throws IOException {
			write(v & 0xff);
			write((v >>> 8) & 0xff);
		}

		void u32(final long v) throws IOException {
			for (int i = 0; i < 4; i++)
				write((int) (v >>> (8 * i)) & 0xff);
		}

		@Override
		public void close() throws IOException {
			out.close();
		}
	}

	/**
	 * Writes the hostile weights files of issue 24 into a folder, for measuring the CLI: {@code shared-1900MB-x3.bin}
	 * (one 1.9 GB storage of zeros, deflated to 1.8 MB, referenced by three tensors), {@code shared-16MB-x300.bin}
	 * (one 16 MiB storage referenced by 300 tensors), and {@code lying-storage.bin} / {@code lying-pickle.bin}, whose
	 * storage or data.pkl declares 1 MiB or its true size but inflates 1 GiB further.
	 */
	public static void main(final String[] args) throws IOException {
		final Path dir = Paths.get(args.length > 0 ? args[0] : ".");
		Files.createDirectories(dir);
		final long big = 475_000_000L; // floats: 1.9 GB
		writeCheckpoint(dir.resolve("shared-1900MB-x3.bin"), sharedViews(3, big), big * 4);
		final long medium = 4L * MIB; // floats: 16 MiB
		writeCheckpoint(dir.resolve("shared-16MB-x300.bin"), sharedViews(300, medium), medium * 4);
		final byte[] small = statePickle(sharedViews(1, MIB / 4));
		write(dir.resolve("lying-storage.bin"), Arrays.asList(Entry.stored("archive/data.pkl", small), Entry.deflated(
			"archive/data/0", new byte[0], 1024L * MIB, MIB)));
		write(dir.resolve("lying-pickle.bin"), Arrays.asList(Entry.deflated("archive/data.pkl", small, 1024L * MIB,
			small.length), Entry.deflated("archive/data/0", new byte[0], MIB)));
	}
}
