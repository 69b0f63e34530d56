package sc.fiji.scoresde.train;

import sc.fiji.scoresde.images.IdxImages;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import sc.fiji.scoresde.images.ImagePages;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.images.PixelBudget;

/**
 * Reads training images from an idx file (MNIST, Fashion-MNIST), one image file (every page of a multi-page TIFF
 * is an image) or a folder of image files (PNG, JPEG, TIFF, BMP, GIF; other files are left alone). 8-bit values
 * are divided by 255; 16-bit and floating-point data are scaled by the set's global minimum and maximum.
 */
public final class ImageSources {

	static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif");

	private ImageSources() {}

	/**
	 * @param channels 1 (grey: colour images are converted with the ITU-R 601 luma weights), 3 (RGB: grey images are
	 *          repeated) or 0 (3 when any image is in colour)
	 * @param limit read at most this many images (all when ≤ 0)
	 */
	public static TrainingImages load(final Path path, final int channels, final int limit) throws IOException {
		if (!Files.exists(path)) throw new java.nio.file.NoSuchFileException(path.toString(), null,
			"no such training data file or folder");
		if (Files.isRegularFile(path) && isIdx(path)) {
			final IdxImages idx = IdxImages.read(path, limit);
			final List<Raw> raws = new ArrayList<>();
			final int plane = idx.rows * idx.cols;
			for (int i = 0; i < idx.count; i++) {
				final float[] v = new float[plane];
				System.arraycopy(idx.pixels, i * plane, v, 0, plane);
				raws.add(new Raw(path + " image " + i, idx.rows, idx.cols, 1, v, false));
			}
			return combine(raws, channels, "idx bytes / 255");
		}
		final List<Path> files;
		if (Files.isDirectory(path)) {
			try (Stream<Path> s = Files.list(path)) {
				files = s.filter(f -> Files.isRegularFile(f) && EXTENSIONS.contains(extension(f))).sorted().collect(
					Collectors.toList());
			}
			if (files.isEmpty()) throw new ModelFormatException(path + ": the folder holds no image files (" + String
				.join(", ", EXTENSIONS) + ")");
		}
		else files = List.of(path);
		// every header first: a set too large for the heap is refused before any pixel is decoded
		final PixelBudget budget = PixelBudget.ofHeap(path.toString());
		long images = 0;
		for (final Path f : files) {
			if (limit > 0 && images >= limit) break;
			try (ImagePages pages = open(f, limit > 0 ? (int) (limit - images) : 0)) {
				budget.add(pages.declaredPixels(), pages.count);
				images += pages.count;
			}
		}
		budget.check();
		final List<Raw> raws = new ArrayList<>();
		for (final Path f : files) {
			if (limit > 0 && raws.size() >= limit) break;
			try (ImagePages pages = open(f, limit > 0 ? limit - raws.size() : 0)) {
				for (int i = 0; i < pages.count; i++)
					raws.add(convert(pages.read(i), pages.name(i)));
			}
		}
		return combine(raws, channels, null);
	}

	private static ImagePages open(final Path f, final int limit) throws IOException {
		return ImagePages.open(ImageIO.createImageInputStream(f.toFile()), f.toString(), limit);
	}

	static boolean isIdx(final Path f) {
		final String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
		return name.contains("idx3") || name.endsWith(".idx");
	}

	private static String extension(final Path f) {
		final String name = f.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
	}

	/** An image as read: interleaved-free planar values, and whether they need the set's min–max scaling. */
	public static final class Raw {

		final String source;
		final int height, width, channels;
		final float[] chw;
		final boolean wide;

		public Raw(final String source, final int height, final int width, final int channels, final float[] chw,
			final boolean wide)
		{
			this.source = source;
			this.height = height;
			this.width = width;
			this.channels = channels;
			this.chw = chw;
			this.wide = wide;
		}
	}

	static Raw convert(final BufferedImage image, final String source) {
		final int h = image.getHeight(), w = image.getWidth(), plane = h * w;
		if (image.getColorModel() instanceof IndexColorModel) {
			final int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
			boolean grey = true;
			for (final int p : argb)
				grey &= ((p >> 16) & 0xff) == (p & 0xff) && ((p >> 8) & 0xff) == (p & 0xff);
			final float[] v = new float[(grey ? 1 : 3) * plane];
			for (int i = 0; i < plane; i++) {
				if (grey) v[i] = argb[i] & 0xff;
				else {
					v[i] = (argb[i] >> 16) & 0xff;
					v[plane + i] = (argb[i] >> 8) & 0xff;
					v[2 * plane + i] = argb[i] & 0xff;
				}
			}
			return new Raw(source, h, w, grey ? 1 : 3, v, false);
		}
		final Raster raster = image.getRaster();
		final int bands = raster.getNumBands() >= 3 ? 3 : 1;
		final int type = raster.getDataBuffer().getDataType();
		final float[] v = new float[bands * plane];
		final float[] row = new float[w];
		for (int c = 0; c < bands; c++)
			for (int y = 0; y < h; y++) {
				raster.getSamples(0, y, w, 1, c, row);
				System.arraycopy(row, 0, v, (c * h + y) * w, w);
			}
		return new Raw(source, h, w, bands, v, type != DataBuffer.TYPE_BYTE);
	}

	/** Brings raw images to one channel count and to [0, 1]. */
	public static TrainingImages combine(final List<Raw> raws, final int channels, final String scalingNote) {
		if (raws.isEmpty()) throw new IllegalArgumentException("no training images were found");
		int target = channels;
		if (target == 0) {
			target = 1;
			for (final Raw r : raws)
				if (r.channels == 3) target = 3;
		}
		if (target != 1 && target != 3) throw new IllegalArgumentException("channels must be 1 (grey), 3 (RGB) or " +
			"0 (as the data), not " + channels);
		boolean wide = false;
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (final Raw r : raws) {
			wide |= r.wide;
			for (final float x : r.chw) {
				if (!Float.isFinite(x)) throw new IllegalArgumentException(r.source + " holds a non-finite value (" +
					x + ")");
				min = Math.min(min, x);
				max = Math.max(max, x);
			}
		}
		final double offset, scale;
		final String scaling;
		if (scalingNote != null) {
			offset = 0;
			scale = 1;
			scaling = scalingNote;
		}
		else if (wide) {
			if (!(max > min)) throw new IllegalArgumentException("every training value is " + min +
				"; there is nothing to learn");
			offset = min;
			scale = 1 / (max - min);
			scaling = String.format(Locale.ROOT, "(value − %s) / %s (the set's minimum and range)", min, max - min);
		}
		else {
			offset = 0;
			scale = 1 / 255.0;
			scaling = "8-bit values / 255";
		}
		final List<TrainingImages.Image> images = new ArrayList<>(raws.size());
		for (final Raw r : raws) {
			final int plane = r.height * r.width;
			final float[] v = new float[target * plane];
			for (int i = 0; i < plane; i++) {
				if (r.channels == target) {
					for (int c = 0; c < target; c++)
						v[c * plane + i] = (float) ((r.chw[c * plane + i] - offset) * scale);
				}
				else if (target == 1) {
					final double luma = 0.299 * r.chw[i] + 0.587 * r.chw[plane + i] + 0.114 * r.chw[2 * plane + i];
					v[i] = (float) ((luma - offset) * scale);
				}
				else {
					final float g = (float) ((r.chw[i] - offset) * scale);
					v[i] = g;
					v[plane + i] = g;
					v[2 * plane + i] = g;
				}
			}
			images.add(new TrainingImages.Image(r.source, r.height, r.width, v));
		}
		return new TrainingImages(target, images, scaling);
	}
}
