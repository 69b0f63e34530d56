package sc.fiji.scoresde.likelihood;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Structure;

import java.io.IOException;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.runtime.LoadedModel;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.VeSde;

/**
 * A long run of vector–Jacobian products keeps native memory flat: no call keeps the graph of an earlier one.
 * <p>
 * Memory is glibc's count of bytes handed out by malloc ({@code mallinfo2}: in-use arena chunks plus mmapped blocks,
 * which is where libtorch's CPU tensors live), not the resident set: freed memory that the allocator keeps resident
 * hid 250 kept graphs from a resident-set yardstick in CI, and Java heap pages touched for the first time read as
 * growth here. Own JVM, so that no earlier test's arrays are still being freed.
 */
@Tag("own-jvm")
@Tag("heavy") // minutes on a 2-core CPU: runs with -Pheavy (.ci/run), not in the default mvn verify
class ProbeMemoryTest {

	private static final int KEPT = 20, CALLS = 300;

	@Test
	void manyProbesKeepMemoryFlat() throws IOException {
		try (LoadedModel model = LoadedModel.load(Fixtures.dir("ncsnpp-tiny").resolve("pipeline"), Device.cpu(),
			w -> {}); NDManager manager = NDManager.newBaseManager(Device.cpu()))
		{
			final ScoreModel score = model.scoreModel();
			final ProbabilityFlow flow = new ProbabilityFlow(score, VeSde.of(model.schedulerConfig()), manager);
			final Shape rows = new Shape(2, 3, 32, 32);
			final float[] x = new float[2 * 3 * 32 * 32], v = new float[x.length];
			final Random r = new Random(3);
			for (int i = 0; i < x.length; i++) {
				x[i] = r.nextFloat();
				v[i] = r.nextBoolean() ? 1 : -1;
			}
			for (int i = 0; i < 20; i++)
				flow.scoreAndProbe(x, rows, 1f, v);

			final double perGraph = keptGraphBytes(score, manager, x, v, rows);
			assertTrue(perGraph > 1e6, "a kept graph of ncsnpp-tiny on two 3×32×32 images measured " + perGraph / 1e6 +
				" MB; the yardstick is too small to judge growth by");

			final long before = mallocedBytes();
			for (int i = 0; i < CALLS; i++)
				flow.scoreAndProbe(x, rows, 1f, v);
			final long growth = mallocedBytes() - before;
			System.out.printf(Locale.ROOT, "ncsnpp-tiny: native memory in use %+.2f MB over %d probe calls; a kept " +
				"graph takes %.1f MB%n", growth / 1e6, CALLS, perGraph / 1e6);
			assertTrue(growth < 0.05 * CALLS * perGraph, "native memory in use grew by " + growth / 1e6 + " MB over " +
				CALLS + " calls; keeping every graph would be " + CALLS * perGraph / 1e6 + " MB");
		}
	}

	/** Bytes one recorded forward pass holds while its graph is reachable: KEPT graphs held at once. */
	private static double keptGraphBytes(final ScoreModel score, final NDManager manager, final float[] x,
		final float[] v, final Shape rows)
	{
		final long start = mallocedBytes();
		try (NDManager keep = manager.newSubManager()) {
			for (int n = 0; n < KEPT; n++) {
				final NDArray in = keep.create(x, rows);
				in.setRequiresGradient(true);
				try (GradientCollector gc = keep.getEngine().newGradientCollector()) {
					score.score(in, 1f).mul(keep.create(v, rows)).sum();
				}
			}
			return (mallocedBytes() - start) / (double) KEPT;
		}
	}

	/** glibc's struct mallinfo2 (2.33 and later), returned by value. */
	@Structure.FieldOrder({ "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
		"fordblks", "keepcost" })
	public static class MallInfo2 extends Structure implements Structure.ByValue {

		public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
	}

	private static long mallocedBytes() {
		// Java objects that own native memory (DJL's direct buffers) are collected first
		System.gc();
		final MallInfo2 info = (MallInfo2) NativeLibrary.getInstance("c").getFunction("mallinfo2").invoke(
			MallInfo2.class, new Object[0]);
		return info.uordblks + info.hblkhd;
	}
}
