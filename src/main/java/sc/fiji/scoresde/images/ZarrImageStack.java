package sc.fiji.scoresde.images;

import sc.fiji.scoresde.io.AtomicFiles;
import sc.fiji.scoresde.io.BoundedFiles;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

/**
 * A stack of images as one OME-Zarr 0.4 image (Zarr v2): array "0" of shape (image, channel, y, x), float32, one
 * zlib-compressed chunk per image, fill value NaN. A chunk is written under a temporary name and renamed, so a chunk
 * that exists is complete: its presence is the record that the image is done, which lets an interrupted run resume.
 * Readers: zarr-python, napari, Fiji's N5/Zarr readers; {@link #read} here.
 * <p>
 * Written here rather than with a Zarr library: the saalfeldlab n5/n5-zarr artifacts are not on Maven Central, and
 * zarr-java needs netcdf-java from Unidata's repository; the subset used (one uncompressed-or-zlib float32 array with
 * "/" chunk keys) is small and fully checked on reading.
 */
public final class ZarrImageStack {

	/** the description's key in the root group's .zattrs */
	public static final String DESCRIPTION_KEY = "score_sde";
	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping()
		.create();
	private static final long MAX_PIXELS_PER_IMAGE = 1L << 26;
	/** The most entries of the folder 0/ that {@link #missing} reads. */
	static final int MAX_LISTED = 1 << 24;

	private final Path root;
	private final int count, channels, height, width;
	private final JsonObject description;
	/** chunks are zlib streams (what this class writes); false: raw values (compressor null) */
	private final boolean zlib;

	private ZarrImageStack(final Path root, final int count, final int channels, final int height, final int width,
		final JsonObject description, final boolean zlib)
	{
		this.root = root;
		this.count = count;
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.description = description;
		this.zlib = zlib;
	}

	/**
	 * Opens the dataset at {@code root} if it exists with this shape and description, or creates it. A dataset made
	 * with other settings is refused (its images would mix two runs).
	 */
	public static ZarrImageStack openOrCreate(final Path root, final int count, final int channels, final int height,
		final int width, final JsonObject description) throws IOException
	{
		if (count < 1 || channels < 1 || height < 1 || width < 1 || (long) channels * height * width >
			MAX_PIXELS_PER_IMAGE) throw new IllegalArgumentException("image stack shape " + count + "×" + channels + "×" +
				height + "×" + width + " is not a valid size");
		if (Files.exists(root.resolve(".zgroup"))) {
			final ZarrImageStack existing = open(root);
			if (existing.count != count || existing.channels != channels || existing.height != height ||
				existing.width != width || !existing.description.equals(description)) throw new IllegalArgumentException(
					"dataset " + root + " was made by another run (shape " + existing.shape() + ", settings " + existing
						.description + "); this run asks for " + count + "×" + channels + "×" + height + "×" + width +
						" with " + description + ". Choose another output or delete it.");
			return existing;
		}
		if (Files.exists(root) && (!Files.isDirectory(root) || !isEmptyFolder(root))) throw new IllegalArgumentException(
			root + " exists and is not a Zarr image stack (no .zgroup); choose another output");
		final ZarrImageStack made = new ZarrImageStack(root, count, channels, height, width, description, true);
		made.writeMetadata();
		return made;
	}

	private static boolean isEmptyFolder(final Path folder) throws IOException {
		try (Stream<Path> entries = Files.list(folder)) {
			return !entries.findAny().isPresent();
		}
	}

	/**
	 * Opens an existing dataset, checking every metadata field this class relies on. Metadata is read only from
	 * regular files of at most {@link ZarrMetadata#MAX_BYTES}.
	 */
	public static ZarrImageStack open(final Path root) throws IOException {
		final ZarrMetadata m = ZarrMetadata.read(root, MAX_PIXELS_PER_IMAGE);
		return new ZarrImageStack(root, m.count, m.channels, m.height, m.width, m.description, m.zlib);
	}

	private void writeMetadata() throws IOException {
		Files.createDirectories(root.resolve("0"));
		final JsonObject group = new JsonObject();
		group.addProperty("zarr_format", 2);
		AtomicFiles.write(root.resolve(".zgroup"), out -> out.write(GSON.toJson(group).getBytes(StandardCharsets.UTF_8)));

		final JsonObject array = new JsonObject();
		array.addProperty("zarr_format", 2);
		array.add("shape", ints(count, channels, height, width));
		array.add("chunks", ints(1, channels, height, width));
		array.addProperty("dtype", "<f4");
		final JsonObject zlib = new JsonObject();
		zlib.addProperty("id", "zlib");
		zlib.addProperty("level", 1);
		array.add("compressor", zlib);
		array.addProperty("fill_value", "NaN");
		array.addProperty("order", "C");
		array.add("filters", null);
		array.addProperty("dimension_separator", "/");
		AtomicFiles.write(root.resolve("0").resolve(".zarray"), out -> out.write(GSON.toJson(array).getBytes(
			StandardCharsets.UTF_8)));

		// OME-NGFF 0.4 has no axis type for "which image"; "time" is what viewers page through
		final JsonObject attrs = new JsonObject();
		final JsonObject multiscale = new JsonObject();
		multiscale.addProperty("version", "0.4");
		multiscale.addProperty("name", root.getFileName().toString());
		final JsonArray axes = new JsonArray();
		axes.add(axis("image", "time"));
		axes.add(axis("c", "channel"));
		axes.add(axis("y", "space"));
		axes.add(axis("x", "space"));
		multiscale.add("axes", axes);
		final JsonObject dataset = new JsonObject();
		dataset.addProperty("path", "0");
		final JsonObject scale = new JsonObject();
		scale.addProperty("type", "scale");
		final JsonArray ones = new JsonArray();
		for (int i = 0; i < 4; i++)
			ones.add(1.0);
		scale.add("scale", ones);
		final JsonArray transforms = new JsonArray();
		transforms.add(scale);
		dataset.add("coordinateTransformations", transforms);
		final JsonArray datasets = new JsonArray();
		datasets.add(dataset);
		multiscale.add("datasets", datasets);
		final JsonArray multiscales = new JsonArray();
		multiscales.add(multiscale);
		attrs.add("multiscales", multiscales);
		attrs.add(DESCRIPTION_KEY, description);
		AtomicFiles.write(root.resolve(".zattrs"), out -> out.write(GSON.toJson(attrs).getBytes(StandardCharsets.UTF_8)));
	}

	private static JsonObject axis(final String name, final String type) {
		final JsonObject a = new JsonObject();
		a.addProperty("name", name);
		a.addProperty("type", type);
		return a;
	}

	private static JsonArray ints(final int... values) {
		final JsonArray a = new JsonArray();
		for (final int v : values)
			a.add(v);
		return a;
	}

	private Path chunk(final int image) {
		if (image < 0 || image >= count) throw new IndexOutOfBoundsException("image " + image + " of " + count);
		return root.resolve("0").resolve(Integer.toString(image)).resolve("0").resolve("0").resolve("0");
	}

	/** Whether image {@code image} has been written (completely: chunks appear only by rename). */
	public boolean has(final int image) {
		return Files.isRegularFile(chunk(image));
	}

	/**
	 * Indices of the images not written yet, in order. Found by listing the folder 0/ (at most {@link #MAX_LISTED}
	 * entries), so the cost follows the images written, not the count the metadata declares.
	 */
	public List<Integer> missing() throws IOException {
		return new Complement(written(), count);
	}

	/** Indices of the written images, ascending. */
	private int[] written() throws IOException {
		final Path images = root.resolve("0");
		int[] found = new int[16];
		int n = 0, listed = 0;
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(images)) {
			for (final Path entry : entries) {
				if (++listed > MAX_LISTED) throw new IllegalArgumentException(images + " holds more than " + MAX_LISTED +
					" entries; a score-sde image stack has one folder per written image and at most " + MAX_LISTED +
					" are listed");
				final int image = imageIndex(entry.getFileName().toString());
				if (image < 0 || !has(image)) continue;
				if (n == found.length) found = Arrays.copyOf(found, 2 * n);
				found[n++] = image;
			}
		}
		final int[] sorted = Arrays.copyOf(found, n);
		Arrays.sort(sorted);
		return sorted;
	}

	/** The image whose chunks a folder name under 0/ holds ("0", "17": Zarr keys have no leading zeros), or −1. */
	private int imageIndex(final String name) {
		if (name.isEmpty() || name.length() > 10 || name.length() > 1 && name.charAt(0) == '0') return -1;
		long index = 0;
		for (int i = 0; i < name.length(); i++) {
			final char c = name.charAt(i);
			if (c < '0' || c > '9') return -1;
			index = 10 * index + c - '0';
		}
		return index < count ? (int) index : -1;
	}

	/** The indices 0 … count − 1 that are not among the written ones, without storing them. */
	private static final class Complement extends AbstractList<Integer> implements RandomAccess {

		/** ascending and distinct */
		private final int[] written;
		private final int count;

		Complement(final int[] written, final int count) {
			this.written = written;
			this.count = count;
		}

		@Override
		public Integer get(final int k) {
			Objects.checkIndex(k, size());
			// written[j] − j (the missing indices below written[j]) never decreases with j; the k-th missing index
			// lies beyond every written index that has at most k missing ones below it
			int lo = 0, hi = written.length;
			while (lo < hi) {
				final int mid = (lo + hi) >>> 1;
				if (written[mid] - mid <= k) lo = mid + 1;
				else hi = mid;
			}
			return k + lo;
		}

		@Override
		public int size() {
			return count - written.length;
		}
	}

	/** Writes one image, channel-major (C, H, W), in one rename. */
	public void write(final int image, final float[] chw) throws IOException {
		if (chw.length != pixelsPerImage()) throw new IllegalArgumentException("image of " + chw.length + " values for " +
			"a stack of " + shape());
		final ByteBuffer raw = ByteBuffer.allocate(chw.length * 4).order(ByteOrder.LITTLE_ENDIAN);
		raw.asFloatBuffer().put(chw);
		AtomicFiles.write(chunk(image), out -> {
			final DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(1));
			z.write(raw.array());
			z.finish();
		});
	}

	/**
	 * Reads one image (C, H, W); an image not written yet is an error, not NaNs. A chunk is read only from a regular
	 * file no larger than the image's values need.
	 */
	public float[] read(final int image) throws IOException {
		final Path file = chunk(image);
		final int expected = pixelsPerImage() * 4;
		// zlib stores incompressible data in blocks of 64 KiB with 5 bytes each of overhead, plus 6 bytes in all
		final int largest = zlib ? expected + expected / 1000 + 1024 : expected;
		final byte[] stored;
		try {
			stored = BoundedFiles.read(file, largest, message -> new IllegalArgumentException(message +
				" (a damaged chunk)"));
		}
		catch (final NoSuchFileException e) {
			throw new IllegalArgumentException(root + ": image " + image + " has not been written (no chunk " + root
				.relativize(file) + ")");
		}
		if (!zlib && stored.length != expected) throw new IllegalArgumentException(file + ": damaged chunk (" +
			stored.length + " bytes, " + expected + " expected)");
		final byte[] raw = zlib ? inflate(stored, expected, file) : stored;
		final float[] out = new float[pixelsPerImage()];
		ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
		return out;
	}

	private static byte[] inflate(final byte[] stored, final int expected, final Path file) {
		final Inflater inflater = new Inflater();
		try {
			inflater.setInput(stored);
			final byte[] out = new byte[expected];
			int n = 0;
			while (n < expected && !inflater.finished()) {
				final int got = inflater.inflate(out, n, expected - n);
				if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
				n += got;
			}
			if (n != expected || !inflater.finished()) throw new IllegalArgumentException(file + ": damaged chunk (" + n +
				" bytes decoded, " + expected + " expected)");
			return out;
		}
		catch (final DataFormatException e) {
			throw new IllegalArgumentException(file + ": damaged chunk (" + e.getMessage() + ")");
		}
		finally {
			inflater.end();
		}
	}

	public int count() {
		return count;
	}

	public int channels() {
		return channels;
	}

	public int height() {
		return height;
	}

	public int width() {
		return width;
	}

	public int pixelsPerImage() {
		return channels * height * width;
	}

	public Path root() {
		return root;
	}

	/** The run's settings as written into .zattrs (a copy). */
	public JsonObject description() {
		return description.deepCopy();
	}

	private String shape() {
		return count + "×" + channels + "×" + height + "×" + width;
	}
}
