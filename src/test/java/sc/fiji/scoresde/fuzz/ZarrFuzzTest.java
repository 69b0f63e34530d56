package sc.fiji.scoresde.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import sc.fiji.scoresde.images.ZarrImageStack;

/**
 * Any metadata or chunk bytes in a Zarr image stack (evaluate --samples reads stacks a user points at) either open
 * and read as images of the declared size or end in an IllegalArgumentException with a message. The first input
 * byte says what the rest replaces: even → the array's .zarray, odd → the chunk of image 0 of a valid 1×1×2×3 stack.
 * Seed corpus: ZarrFuzzTestInputs/ (a .zarray as ZarrImageStack writes it for this stack, a zlib chunk of its six
 * values, both made with Python's json and zlib; and the .zarray cut short).
 */
class ZarrFuzzTest {

	private static Path root;

	private static synchronized Path stack() throws IOException {
		if (root == null) {
			root = Files.createTempDirectory("zarr-fuzz").resolve("s.zarr");
			final com.google.gson.JsonObject d = new com.google.gson.JsonObject();
			d.addProperty("fuzz", true);
			ZarrImageStack.openOrCreate(root, 1, 1, 2, 3, d).write(0, new float[] { 0, 0.2f, 0.4f, 0.6f, 0.8f, 1 });
		}
		return root;
	}

	@FuzzTest(maxDuration = "60s")
	void zarrStackFailsOnlyWithIllegalArgumentException(final byte[] data) throws IOException {
		if (data.length < 1) return;
		final Path s = stack();
		final Path zarray = s.resolve("0/.zarray"), chunk = s.resolve("0/0/0/0/0");
		final byte[] keptArray = Files.readAllBytes(zarray), keptChunk = Files.readAllBytes(chunk);
		final byte[] body = Arrays.copyOfRange(data, 1, data.length);
		try {
			Files.write((data[0] & 1) == 0 ? zarray : chunk, body);
			final ZarrImageStack opened = ZarrImageStack.open(s);
			for (int i = 0; i < Math.min(opened.count(), 4); i++)
				if (opened.has(i) && opened.read(i).length != opened.pixelsPerImage()) throw new AssertionError(
					"image " + i + " has the wrong number of values");
		}
		catch (final IllegalArgumentException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
		catch (final UncheckedIOException e) {
			throw new AssertionError(e);
		}
		finally {
			Files.write(zarray, keptArray);
			Files.write(chunk, keptChunk);
		}
	}
}
