package sc.fiji.scoresde.io;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image the user gives to inpaint, colorize, denoise or edit, in the model's [0, 1] range: 8-bit ÷ 255, 16-bit
 * ÷ 65535, floating point taken as it is (a noisy float image keeps its noise: no min–max rescaling, unlike
 * training data). Planar (C, H, W), C = 1 or 3; the first page of a multi-page file; .npy by {@link NpyReader}.
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
		final long size = Files.size(file);
		if (size > 1L << 30) throw new ModelFormatException(file + ": " + size + " bytes is too large for one image");
		final String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
		final byte[] data = Files.readAllBytes(file);
		return name.endsWith(".npy") ? NpyReader.read(data, file.toString()) : decode(data, file.toString());
	}

	/** The file names a folder given to {@link #readStack} contributes, by extension. */
	static final java.util.List<String> STACK_EXTENSIONS = java.util.List.of("png", "tif", "tiff", "jpg", "jpeg",
		"bmp", "gif", "npy");

	/**
	 * Several images, scaled as {@link #read} scales one: every page of a TIFF, every image of a .npy stack (N, H, W[,
	 * C]), every image of an idx file (MNIST, Fashion-MNIST; .gz too; bytes ÷ 255), or every image file of a folder in
	 * name order. At most {@code limit} images (all when ≤ 0).
	 */
	public static java.util.List<UserImage> readStack(final Path path, final int limit) throws IOException {
		if (Files.isDirectory(path)) {
			final java.util.List<Path> files;
			try (java.util.stream.Stream<Path> s = Files.list(path)) {
				files = s.filter(f -> Files.isRegularFile(f) && STACK_EXTENSIONS.contains(extension(f))).sorted()
					.collect(java.util.stream.Collectors.toList());
			}
			if (files.isEmpty()) throw new ModelFormatException(path + ": the folder holds no image files (" + String
				.join(", ", STACK_EXTENSIONS) + ")");
			final java.util.List<UserImage> out = new java.util.ArrayList<>();
			for (final Path f : files) {
				if (limit > 0 && out.size() >= limit) break;
				out.addAll(readStack(f, limit > 0 ? limit - out.size() : 0));
			}
			return out;
		}
		if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such image file or " +
			"folder");
		final String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
		if (name.contains("idx3") || name.endsWith(".idx") || name.endsWith(".idx.gz")) {
			final sc.fiji.scoresde.train.IdxImages idx = sc.fiji.scoresde.train.IdxImages.read(path, limit);
			final int plane = idx.rows * idx.cols;
			final java.util.List<UserImage> out = new java.util.ArrayList<>();
			for (int i = 0; i < idx.count; i++)
				out.add(new UserImage(path + " image " + i, 1, idx.rows, idx.cols, java.util.Arrays.copyOfRange(idx.pixels,
					i * plane, (i + 1) * plane)));
			if (out.isEmpty()) throw new ModelFormatException(path + ": the idx file holds no image");
			return out;
		}
		final long size = Files.size(path);
		if (size > 1L << 30) throw new ModelFormatException(path + ": " + size + " bytes is too large (at most 1 GiB)");
		final byte[] data = Files.readAllBytes(path);
		final java.util.List<UserImage> all = name.endsWith(".npy") ? NpyReader.readStack(data, path.toString())
			: decodePages(data, path.toString(), limit);
		return limit > 0 && all.size() > limit ? new java.util.ArrayList<>(all.subList(0, limit)) : all;
	}

	private static String extension(final Path f) {
		final String name = f.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
	}

	/** The most pixels read from one file, all pages together: 8192² (a stack of 1024 images of 256²). */
	public static final long MAX_PIXELS = 1L << 26;
	/**
	 * The largest page decoded: 2048², twice the side of the largest published model (1024²). A page is converted to
	 * floats through a full ARGB copy, so an 8192² palette GIF of a few bytes made the reader allocate over 1 GB (found
	 * by the fuzzer in a 460 MB heap).
	 */
	public static final long MAX_PAGE_PIXELS = 1L << 22;

	/**
	 * Decodes PNG, TIFF, JPEG, BMP or GIF bytes ({@code source} names them in messages). The size in the header is
	 * checked before any pixel is decoded, so a small file that declares a huge image is refused, not allocated.
	 */
	public static UserImage decode(final byte[] data, final String source) throws ModelFormatException {
		return decodePages(data, source, 1).get(0);
	}

	/**
	 * Decodes up to {@code limit} pages (all when ≤ 0) of an image file, each page an image named "file page k" when
	 * there are several; every page's declared size is checked before it is decoded.
	 */
	public static java.util.List<UserImage> decodePages(final byte[] data, final String source, final int limit)
		throws ModelFormatException
	{
		final java.util.List<UserImage> out = new java.util.ArrayList<>();
		try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(data))) {
			final Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) throw new ModelFormatException(source + ": not an image format Java can read (PNG, " +
				"TIFF, JPEG, BMP, GIF)");
			final ImageReader reader = readers.next();
			try {
				reader.setInput(in, false, true);
				final int pages = limit == 1 ? 1 : reader.getNumImages(true);
				long pixels = 0;
				for (int page = 0; page < pages && (limit <= 0 || page < limit); page++) {
					final long w = reader.getWidth(page), h = reader.getHeight(page);
					pixels += w * h;
					if (w < 1 || h < 1 || w * h > MAX_PAGE_PIXELS) throw new ModelFormatException(source + (pages > 1
						? " page " + (page + 1) : "") + ": declares " + w + "×" + h + " pixels; images of at most " +
						MAX_PAGE_PIXELS + " pixels (2048×2048) are read");
					if (pixels > MAX_PIXELS) throw new ModelFormatException(source + ": its first " + (page + 1) +
						" pages declare " + pixels + " pixels; at most " + MAX_PIXELS + " are read in all pages");
					final BufferedImage image = reader.read(page);
					if (image == null) throw new ModelFormatException(source + ": holds no image");
					out.add(convert(image, pages > 1 ? source + " page " + (page + 1) : source));
				}
			}
			finally {
				reader.dispose();
			}
		}
		catch (final ModelFormatException e) {
			throw e;
		}
		catch (final IOException | RuntimeException e) {
			throw new ModelFormatException(source + ": cannot be decoded: " + e.getMessage(), e);
		}
		if (out.isEmpty()) throw new ModelFormatException(source + ": holds no image");
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
