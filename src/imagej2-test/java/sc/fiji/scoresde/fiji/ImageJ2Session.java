package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scif.SCIFIOService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import net.imagej.Dataset;
import net.imagej.ImageJService;
import net.imagej.axis.Axes;
import net.imagej.axis.AxisType;
import net.imagej.legacy.LegacyService;
import net.imglib2.type.numeric.RealType;

import org.scijava.Context;
import org.scijava.service.SciJavaService;

import sc.fiji.scoresde.Fixtures;

/**
 * An ImageJ2 as Fiji starts it, for the tests of src/imagej2-test: imagej-legacy patches ImageJ 1 (call
 * {@code LegacyInjector.preinit()} in the test class's static initializer, before any ImageJ 1 class loads), the
 * plugin jar sits in {@code plugins/} so that ImageJ 1 reads its plugins.config, and the context holds the services
 * that {@code new net.imagej.ImageJ()} asks for (imagej/imagej, src/main/java/net/imagej/ImageJ.java): that gateway
 * class lives in net.imagej:imagej, which needs imagej-ops, imagej-updater and more that Central lacks, and adds
 * nothing but accessors to this context.
 */
public final class ImageJ2Session {

	private ImageJ2Session() {}

	/** A folder laid out like Fiji.app with the plugin in plugins/; sets ImageJ 1's ij.dir and plugins.dir. */
	public static Path installPlugin() throws IOException {
		final Path app = Files.createTempDirectory("fiji-app");
		PluginJarAccess.build(app.resolve("plugins"));
		System.setProperty("ij.dir", app.toString());
		System.setProperty("plugins.dir", app.resolve("plugins").toString());
		return app;
	}

	public static Context start() {
		final Context context = new Context(SciJavaService.class, SCIFIOService.class, ImageJService.class);
		assertTrue(context.service(LegacyService.class).isActive(), "imagej-legacy runs ImageJ 1");
		return context;
	}

	public static String tinyModel() {
		return Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString();
	}

	static void assertAxes(final Dataset ds, final AxisType... expected) {
		final List<AxisType> axes = new ArrayList<>();
		for (int d = 0; d < ds.numDimensions(); d++)
			axes.add(ds.axis(d).type());
		assertEquals(List.of(expected), axes, "axes of " + ds.getName());
	}

	static void assertXycz(final Dataset ds, final long width, final long height, final long channels,
		final long images)
	{
		assertNotNull(ds, "a Dataset");
		assertAxes(ds, Axes.X, Axes.Y, Axes.CHANNEL, Axes.Z);
		assertArrayEquals(new long[] { width, height, channels, images }, ds.dimensionsAsLongArray());
	}

	/** Values in ImgLib2's flat iteration order. */
	static double[] values(final Iterable<?> img) {
		final List<Double> v = new ArrayList<>();
		for (final Object t : img)
			v.add(((RealType<?>) t).getRealDouble());
		return v.stream().mapToDouble(Double::doubleValue).toArray();
	}
}
