package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import sc.fiji.scoresde.io.BoundedFiles;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

import sc.fiji.scoresde.errors.Echo;

/**
 * An image the user gives to inpaint, colorize, upscale, denoise or edit, in the model's [0, 1] range: 8-bit ÷ 255, 16-bit
 * ÷ 65535, floating point taken as it is (a noisy float image keeps its noise: no min–max rescaling, unlike
 * training data). Planar (C, H, W), C = 1 or 3; the first page of a multi-page file; .npy by {@link NpyReader}. The
 * readers refuse an image whose values are not finite or lie far outside [0, 1] ({@link #requireModelRange}).
 */
public final class UserImage {

	public final String source;
	public final int channels, height, width;
	public final float[] chw;

	public UserImage(final String source, final int channels, final int height, final int width, final float[] chw) {
		this.source = source;
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.chw = chw;
	}

	public static UserImage read(final Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such image file");
		final String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
		final byte[] data = readSmallFile(file);
		return (name.endsWith(".npy") ? NpyReader.read(data, file.toString()) : decode(data, file.toString()))
			.requireModelRange();
	}

	/** The file names a folder given to {@link #readStack} contributes, by extension. */
	static final java.util.List<String> STACK_EXTENSIONS = java.util.List.of("png", "tif", "tiff", "jpg", "jpeg",
		"bmp", "gif", "npy");

	/**
	 * Several images, scaled as {@link #read} scales one: every page of a TIFF, every image of a .npy stack (N, H, W[,
	 * C]), every image of an idx file (MNIST, Fashion-MNIST; .gz too; bytes ÷ 255), or every image file of a folder in
	 * name order. At most {@code limit} images (all when ≤ 0). The headers of all files are read first: a set whose
	 * pixels exceed the {@link PixelBudget} of this JVM is refused before any pixel is decoded.
	 */
	public static java.util.List<UserImage> readStack(final Path path, final int limit) throws IOException {
		final java.util.List<Path> files;
		if (Files.isDirectory(path)) {
			try (java.util.stream.Stream<Path> s = Files.list(path)) {
				files = s.filter(f -> Files.isRegularFile(f) && STACK_EXTENSIONS.contains(extension(f))).sorted()
					.collect(java.util.stream.Collectors.toList());
			}
			if (files.isEmpty()) throw new ModelFormatException(path + ": the folder holds no image files (" + String
				.join(", ", STACK_EXTENSIONS) + ")");
		}
		else if (Files.isRegularFile(path)) files = java.util.List.of(path);
		else throw new NoSuchFileException(path.toString(), null, "no such image file or folder");
		final PixelBudget budget = PixelBudget.ofHeap(path.toString());
		long images = 0;
		for (final Path f : files) {
			if (limit > 0 && images >= limit) break;
			final long[] declared = declared(f, limit > 0 ? (int) (limit - images) : 0);
			budget.add(declared[1], declared[0]);
			images += declared[0];
		}
		budget.check();
		final java.util.List<UserImage> out = new java.util.ArrayList<>();
		for (final Path f : files) {
			if (limit > 0 && out.size() >= limit) break;
			out.addAll(readFile(f, limit > 0 ? limit - out.size() : 0));
		}
		for (final UserImage image : out)
			image.requireModelRange();
		return out;
	}

	private static boolean isIdx(final String lowerCaseName) {
		return lowerCaseName.contains("idx3") || lowerCaseName.endsWith(".idx") || lowerCaseName.endsWith(".idx.gz");
	}

	private static String lowerCaseName(final Path file) {
		return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
	}

	/** The images one file gives (at most {@code limit}; all when ≤ 0), not yet checked for the model's range. */
	private static java.util.List<UserImage> readFile(final Path path, final int limit) throws IOException {
		final String name = lowerCaseName(path);
		if (isIdx(name)) {
			final sc.fiji.scoresde.images.IdxImages idx = sc.fiji.scoresde.images.IdxImages.read(path, limit);
			final int plane = idx.rows * idx.cols;
			final java.util.List<UserImage> out = new java.util.ArrayList<>();
			for (int i = 0; i < idx.count; i++)
				out.add(new UserImage(path + " image " + i, 1, idx.rows, idx.cols, java.util.Arrays.copyOfRange(idx.pixels,
					i * plane, (i + 1) * plane)));
			if (out.isEmpty()) throw new ModelFormatException(path + ": the idx file holds no image");
			return out;
		}
		final byte[] data = readSmallFile(path);
		final java.util.List<UserImage> all = name.endsWith(".npy") ? NpyReader.readStack(data, path.toString())
			: decodePages(data, path.toString(), limit);
		return limit > 0 && all.size() > limit ? new java.util.ArrayList<>(all.subList(0, limit)) : all;
	}

	/** A regular file of at most 1 GiB (a FIFO or a link to a device is refused unread). */
	private static byte[] readSmallFile(final Path path) throws IOException {
		return BoundedFiles.read(path, 1 << 30, ModelFormatException::new);
	}

	private static void requireAtMostOneGib(final Path path) throws IOException {
		final long size = Files.size(path);
		if (size > 1L << 30) throw new ModelFormatException(path + ": " + size + " bytes is too large (at most 1 GiB)");
	}

	/**
	 * How many images (at most {@code limit}) and how many pixels in all one file declares in its header, without
	 * decoding: {images, pixels}. A .npy stack is decoded whole even when only some of its images are kept, so all
	 * its pixels count.
	 */
	private static long[] declared(final Path path, final int limit) throws IOException {
		final String name = lowerCaseName(path);
		if (isIdx(name)) return sc.fiji.scoresde.images.IdxImages.declared(path, limit);
		if (name.endsWith(".npy")) return NpyShape.declared(path, limit);
		requireAtMostOneGib(path);
		try (ImagePages pages = ImagePages.open(ImageIO.createImageInputStream(path.toFile()), path.toString(),
			limit))
		{
			return new long[] { pages.count, pages.declaredPixels() };
		}
	}

	private static String extension(final Path f) {
		final String name = f.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * The most pixels the ImageJ input readers (imagej.ImgInput) take from one image or stack: 8192², a stack of 1024
	 * images of 256². The file readers here weigh a set against this JVM's {@link PixelBudget} instead (the same
	 * 2²⁶ pixels under the CLI's default -Xmx4g).
	 */
	public static final long MAX_PIXELS = 1L << 26;
	/** The largest page decoded: {@link ImagePages#MAX_PAGE_PIXELS}. */
	public static final long MAX_PAGE_PIXELS = ImagePages.MAX_PAGE_PIXELS;

	/**
	 * Decodes PNG, TIFF, JPEG, BMP or GIF bytes ({@code source} names them in messages). The size in the header is
	 * checked before any pixel is decoded, so a small file that declares a huge image is refused, not allocated.
	 */
	public static UserImage decode(final byte[] data, final String source) throws ModelFormatException {
		return decodePages(data, source, 1).get(0);
	}

	/**
	 * Decodes up to {@code limit} pages (all when ≤ 0) of an image file, each page an image named "file page k" when
	 * there are several. Pages are counted by {@link ImagePages} (a looping TIFF page chain is refused), and every
	 * page's declared size is checked, alone and all together against this JVM's {@link PixelBudget}, before the
	 * first page is decoded.
	 */
	public static java.util.List<UserImage> decodePages(final byte[] data, final String source, final int limit)
		throws ModelFormatException
	{
		final java.util.List<UserImage> out = new java.util.ArrayList<>();
		final ImageInputStream in;
		try {
			in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(data));
		}
		catch (final IOException e) {
			throw new ModelFormatException(source + ": cannot be decoded: " + e.getMessage(), e);
		}
		try (ImagePages pages = ImagePages.open(in, source, limit)) {
			final PixelBudget budget = PixelBudget.ofHeap(source);
			budget.add(pages.declaredPixels(), pages.count);
			budget.check();
			for (int page = 0; page < pages.count; page++) {
				final BufferedImage image = pages.read(page);
				try {
					out.add(convert(image, pages.name(page)));
				}
				catch (final RuntimeException e) {
					throw new ModelFormatException(pages.name(page) + ": cannot be decoded: " + e.getMessage(), e);
				}
			}
		}
		return out;
	}

	private static UserImage convert(final BufferedImage image, final String source) throws ModelFormatException {
		final int h = image.getHeight(), w = image.getWidth(), plane = h * w;
		if (image.getColorModel() instanceof IndexColorModel) {
			final int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
			final float[] v = new float[3 * plane];
			boolean grey = true;
			for (int i = 0; i < plane; i++) {
				v[i] = ((argb[i] >> 16) & 0xff) / 255f;
				v[plane + i] = ((argb[i] >> 8) & 0xff) / 255f;
				v[2 * plane + i] = (argb[i] & 0xff) / 255f;
				grey &= v[i] == v[plane + i] && v[i] == v[2 * plane + i];
			}
			return grey ? new UserImage(source, 1, h, w, java.util.Arrays.copyOf(v, plane)) : new UserImage(
				source, 3, h, w, v);
		}
		final Raster raster = image.getRaster();
		final int bands = raster.getNumBands() >= 3 ? 3 : 1;
		final int type = raster.getDataBuffer().getDataType();
		final float scale;
		switch (type) {
			case DataBuffer.TYPE_BYTE: scale = 1 / 255f; break;
			case DataBuffer.TYPE_USHORT: scale = 1 / 65535f; break;
			case DataBuffer.TYPE_FLOAT: case DataBuffer.TYPE_DOUBLE: scale = 1; break;
			default: throw new ModelFormatException(source + ": pixel type " + type + " is not 8-bit, 16-bit or float");
		}
		final float[] v = new float[bands * plane];
		final float[] row = new float[w];
		for (int c = 0; c < bands; c++)
			for (int y = 0; y < h; y++) {
				raster.getSamples(0, y, w, 1, c, row);
				for (int x = 0; x < w; x++)
					v[(c * h + y) * w + x] = row[x] * scale;
			}
		return new UserImage(source, bands, h, w, v);
	}

	/**
	 * The values an input image may hold: the model's [0, 1] with a margin of 4 on each side. The margin keeps a
	 * noisy float image as it is: Gaussian noise of σ = 0.6 crosses it only past 6.7σ, about once in 18,000 images
	 * of 2048², whereas a margin of 1 ([-1, 2]) would already refuse most 2048² images with the README's σ = 0.2
	 * (a value past 5σ is expected 1.2 times per image). A float image saved in 8-bit or 16-bit units (0–255,
	 * 0–65535), or a stray 1e30 that made every output pixel NaN, is refused with the place of the value instead of
	 * being rescaled behind the user's back.
	 */
	public static final float MIN_VALUE = -4, MAX_VALUE = 5;

	/**
	 * This image, when every value is finite and within [{@link #MIN_VALUE}, {@link #MAX_VALUE}]; otherwise a
	 * ModelFormatException names the first bad value and where it is (the source names file and page).
	 */
	public UserImage requireModelRange() throws ModelFormatException {
		final int plane = height * width;
		for (int i = 0; i < chw.length; i++) {
			final float v = chw[i];
			if (v >= MIN_VALUE && v <= MAX_VALUE) continue;
			final int c = i / plane, y = i % plane / width, x = i % width;
			final String where = Echo.of(source) + ": the pixel at x " + x + ", y " + y + (channels > 1 ? ", channel " +
				(c + 1) : "") + " is " + v;
			if (!Float.isFinite(v)) throw new ModelFormatException(where + "; images must hold finite numbers, so " +
				"replace NaN and infinite pixels (in Fiji: Process › Math › Remove NaNs…, or set them to 0)");
			throw new ModelFormatException(where + ", outside [" + (int) MIN_VALUE + ", " + (int) MAX_VALUE + "]; " +
				"the model reads images in [0, 1] (8-bit ÷ 255, 16-bit ÷ 65535, float as it is), so rescale this " +
				"float image to [0, 1] first (e.g. divide it by its maximum, 255 or 65535)");
		}
		return this;
	}

	/** One channel, or three equal ones. */
	public boolean isGrey() {
		if (channels == 1) return true;
		final int plane = height * width;
		for (int i = 0; i < plane; i++)
			if (chw[i] != chw[plane + i] || chw[i] != chw[2 * plane + i]) return false;
		return true;
	}

	/** The mean over channels, (R+G+B)/3 for colour. */
	public float[] grey() {
		if (channels == 1) return chw.clone();
		final int plane = height * width;
		final float[] g = new float[plane];
		for (int i = 0; i < plane; i++)
			g[i] = (chw[i] + chw[plane + i] + chw[2 * plane + i]) / 3;
		return g;
	}
}
