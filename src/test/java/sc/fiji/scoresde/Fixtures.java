package sc.fiji.scoresde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import sc.fiji.scoresde.model.HostTensor;
import sc.fiji.scoresde.weights.SafeTensors;

/**
 * Reference data made by running diffusers 0.25.0 / torch 1.13 on CPU (see each folder's README.json, copied from
 * shared/fixtures).
 */
public final class Fixtures {

	public static final List<String> ALL = List.of("ncsnpp-tiny", "ncsnpp-deep", "ddpm-tiny", "ddpm-fasttest");

	private Fixtures() {}

	public static Path dir(final String name) {
		try {
			return Paths.get(Fixtures.class.getResource("/fixtures/" + name + "/README.json").toURI()).getParent();
		}
		catch (final URISyntaxException | NullPointerException e) {
			throw new IllegalStateException("fixture " + name + " is missing from the test resources", e);
		}
	}

	/** Copies a fixture's pipeline folder into {@code dir} (for tests that edit or break it); returns {@code dir}. */
	public static Path copyPipeline(final String name, final Path dir) throws IOException {
		final Path src = dir(name).resolve("pipeline");
		try (java.util.stream.Stream<Path> files = Files.walk(src)) {
			for (final Path p : (Iterable<Path>) files::iterator) {
				final Path t = dir.resolve(src.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(t);
				else Files.copy(p, t);
			}
		}
		return dir;
	}

	public static Map<String, HostTensor> tensors(final String name, final String file) throws IOException {
		return SafeTensors.read(dir(name).resolve(file));
	}

	public static JsonObject readme(final String name) throws IOException {
		return JsonParser.parseString(new String(Files.readAllBytes(dir(name).resolve("README.json")),
			StandardCharsets.UTF_8)).getAsJsonObject();
	}

	/** The parity bound of the issues: max |Δ| ≤ 1e-4 · max(1, max |ref|), per tensor. */
	public static void assertClose(final String what, final HostTensor expected, final float[] actual,
		final long[] actualShape)
	{
		assertTrue(Arrays.equals(expected.shape(), actualShape), what + ": shape " + Arrays.toString(actualShape) +
			" vs reference " + Arrays.toString(expected.shape()));
		assertClose(what, expected.toFloatArray(), actual, 1e-4);
	}

	public static double maxAbs(final float[] a) {
		double m = 0;
		for (final float v : a)
			m = Math.max(m, Math.abs(v));
		return m;
	}

	public static void assertClose(final String what, final float[] ref, final float[] actual,
		final double relative)
	{
		assertEquals(ref.length, actual.length, what + ": element count");
		double maxDiff = 0;
		int worst = -1;
		for (int i = 0; i < ref.length; i++) {
			final double d = Math.abs((double) ref[i] - actual[i]);
			if (!(d <= maxDiff)) {
				maxDiff = d;
				worst = i;
			}
		}
		final double bound = relative * Math.max(1, maxAbs(ref));
		assertTrue(maxDiff <= bound, what + ": max |Δ| " + maxDiff + " at " + worst + " (ref " + (worst >= 0
			? ref[worst] : 0) + ", got " + (worst >= 0 ? actual[worst] : 0) + ") exceeds " + bound);
	}

	/**
	 * The fixture run's final image against ours. The image is the clipped last predictor mean, a difference of terms
	 * as large as that tensor (2416 for ncsnpp-tiny), so its pixels carry float32 rounding of about one ulp at that
	 * scale (2.4e-4), more than 1e-4 absolute: the summation order of the CPU kernels moves them by up to 1.6e-4 (AMD
	 * EPYC, or one thread), 5.8e-5 elsewhere. The bound is the larger of 1e-4 and two ulps of the unclipped tensor —
	 * still far tighter than the 1e-4 · max |ref| that tensor itself is held to.
	 */
	public static void assertFinalImageClose(final String what, final String fixture, final float[] actualNhwc)
		throws IOException
	{
		final Map<String, HostTensor> ref = tensors(fixture, "trajectory.safetensors");
		String last = null;
		for (int i = 0; ref.containsKey("step" + i + ".pred.sample_mean"); i++)
			last = "step" + i + ".pred.sample_mean";
		final double scale = maxAbs(ref.get(last).toFloatArray());
		final double bound = Math.max(1e-4, 2 * Math.ulp((float) scale));
		assertClose(what, ref.get("image.float_nhwc").toFloatArray(), actualNhwc, bound);
	}
}
