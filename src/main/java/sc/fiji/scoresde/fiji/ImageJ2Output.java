package sc.fiji.scoresde.fiji;

import java.lang.reflect.Array;

import net.imglib2.img.Img;

import org.scijava.Context;
import org.scijava.log.LogService;
import org.scijava.service.Service;

/**
 * A command's image output as ImageJ2 sees it. In ImageJ2/Fiji (imagej-common's DatasetService in the context) the
 * (X, Y, channel, image) stack becomes a Dataset whose axes say so, and a 3-channel 8-bit result is marked as merged
 * RGB; without it a plain ImgLib2 image, whose axes ImageJ2 would call "Unknown".
 *
 * <p>imagej-common is not on Maven Central, so the plugin cannot compile against it: the few calls go through
 * reflection, and an ImageJ2 whose API differs leaves the plain image (with a warning), never a failed run.
 *
 * <p>The image index is ImageJ2's Z axis: ImageJ 1 has no axis for independent samples, and Z is what makes the
 * legacy image the same plain stack (one slice per image) as the ImageJ 1 menu entries give.
 */
final class ImageJ2Output {

	private ImageJ2Output() {}

	/**
	 * The image as a Dataset named {@code name} with axes X, Y, Channel, Z when the context has a DatasetService,
	 * else the image itself.
	 */
	static Img<?> of(final Context context, final Img<?> img, final String name, final LogService log) {
		return of(context, img, name, null, log);
	}

	/**
	 * {@link #of(Context, Img, String, LogService)} with a label for each plane (channels fastest, then Z), which
	 * ImageJ2 gives the legacy image as its slice labels; null: none.
	 */
	static Img<?> of(final Context context, final Img<?> img, final String name, final String[] planeLabels,
		final LogService log)
	{
		if (context == null || img == null || img.numDimensions() != 4) return img;
		final Service datasets = context.getService("net.imagej.DatasetService");
		if (datasets == null) return img;
		try {
			final ClassLoader loader = datasets.getClass().getClassLoader();
			final Class<?> axes = Class.forName("net.imagej.axis.Axes", true, loader);
			final Class<?> axisType = Class.forName("net.imagej.axis.AxisType", false, loader);
			final Class<?> imgPlus = Class.forName("net.imagej.ImgPlus", false, loader);
			final Class<?> service = Class.forName("net.imagej.DatasetService", false, loader);
			final Object types = Array.newInstance(axisType, 4);
			final String[] fields = { "X", "Y", "CHANNEL", "Z" };
			for (int d = 0; d < fields.length; d++)
				Array.set(types, d, axes.getField(fields[d]).get(null));
			final Object wrapped = imgPlus.getConstructor(Img.class, String.class, types.getClass()).newInstance(img,
				name, types);
			final Object dataset = service.getMethod("create", imgPlus).invoke(datasets, wrapped);
			final boolean rgb = img.dimension(2) == 3 && img.firstElement() instanceof
				net.imglib2.type.numeric.integer.UnsignedByteType;
			if (rgb) dataset.getClass().getMethod("setRGBMerged", boolean.class).invoke(dataset, true);
			if (planeLabels != null) label(dataset, loader, planeLabels, log);
			return (Img<?>) dataset;
		}
		catch (final ReflectiveOperationException | LinkageError | ClassCastException e) {
			if (log != null) log.warn("Score SDE VE: ImageJ2 is present but its Dataset API is not the expected one (" +
				e + "); the output keeps unnamed axes");
			return img;
		}
	}

	/**
	 * imagej-legacy (2.0.3, ImagePlusCreatorUtils.getSliceLabels) takes the slice labels of the image it makes for a
	 * Dataset from SCIFIO's image metadata in the ImgPlus properties, table key "SliceLabels": the one way to label
	 * the planes that reaches the ImageJ 1 window.
	 */
	@SuppressWarnings("unchecked")
	private static void label(final Object dataset, final ClassLoader loader, final String[] planeLabels,
		final LogService log)
	{
		try {
			final Class<?> metadataType = Class.forName("io.scif.DefaultImageMetadata", true, loader);
			final Object metadata = metadataType.getConstructor().newInstance();
			((java.util.Map<String, Object>) metadataType.getMethod("getTable").invoke(metadata)).put("SliceLabels",
				planeLabels);
			final Object imgPlus = dataset.getClass().getMethod("getImgPlus").invoke(dataset);
			((java.util.Map<String, Object>) imgPlus.getClass().getMethod("getProperties").invoke(imgPlus)).put(
				"scifio.metadata.image", metadata);
		}
		catch (final ReflectiveOperationException | LinkageError | ClassCastException e) {
			// the Dataset stays (axes, name); only the labels are lost
			if (log != null) log.warn("Score SDE VE: the planes keep no labels in ImageJ2 (SCIFIO's image metadata " +
				"is missing or not the expected one: " + e + "); their order is " + String.join(", ", planeLabels));
		}
	}
}
