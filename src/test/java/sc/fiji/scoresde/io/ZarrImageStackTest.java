package sc.fiji.scoresde.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.InflaterOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZarrImageStackTest {

	private static JsonObject description(final int steps) {
		final JsonObject d = new JsonObject();
		d.addProperty("steps", steps);
		return d;
	}

	private static float[] image(final int k, final int n) {
		final float[] v = new float[n];
		for (int i = 0; i < n; i++)
			v[i] = k + i / 1000f;
		return v;
	}

	@Test
	void imagesWrittenInAnyOrderReadBackAndTheMissingOnesAreListed(@TempDir final Path dir) throws IOException {
		final ZarrImageStack stack = ZarrImageStack.openOrCreate(dir.resolve("s.zarr"), 5, 3, 4, 6, description(7));
		stack.write(3, image(3, 72));
		stack.write(0, image(0, 72));
		assertEquals(Arrays.asList(1, 2, 4), stack.missing());
		final ZarrImageStack reopened = ZarrImageStack.open(dir.resolve("s.zarr"));
		assertArrayEquals(image(3, 72), reopened.read(3));
		assertEquals(7, reopened.description().get("steps").getAsInt());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> reopened.read(1)).getMessage().contains(
			"has not been written"));
		try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
			assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".part")));
		}
	}

	/**
	 * The files are plain Zarr v2 as zarr-python reads them: .zarray names shape, chunks, dtype, zlib, NaN fill and
	 * "/" keys; a chunk at 0/k/0/0/0 is the zlib stream of the image's little-endian float32 values; .zattrs has the
	 * OME-NGFF multiscales entry with four axes.
	 */
	@Test
	void theLayoutIsZarrVersionTwoWithOmeNgffAttributes(@TempDir final Path dir) throws IOException {
		final Path root = dir.resolve("s.zarr");
		ZarrImageStack.openOrCreate(root, 2, 1, 2, 3, description(1)).write(1, image(1, 6));
		final JsonObject array = JsonParser.parseString(new String(Files.readAllBytes(root.resolve("0/.zarray")),
			StandardCharsets.UTF_8)).getAsJsonObject();
		assertEquals("[2,1,2,3]", array.get("shape").toString());
		assertEquals("[1,1,2,3]", array.get("chunks").toString());
		assertEquals("<f4", array.get("dtype").getAsString());
		assertEquals("zlib", array.getAsJsonObject("compressor").get("id").getAsString());
		assertEquals("NaN", array.get("fill_value").getAsString());
		assertTrue(array.has("filters") && array.get("filters").isJsonNull());
		assertEquals("/", array.get("dimension_separator").getAsString());
		assertEquals(2, JsonParser.parseString(new String(Files.readAllBytes(root.resolve(".zgroup")),
			StandardCharsets.UTF_8)).getAsJsonObject().get("zarr_format").getAsInt());
		final JsonObject attrs = JsonParser.parseString(new String(Files.readAllBytes(root.resolve(".zattrs")),
			StandardCharsets.UTF_8)).getAsJsonObject();
		assertEquals(4, attrs.getAsJsonArray("multiscales").get(0).getAsJsonObject().getAsJsonArray("axes").size());

		final ByteArrayOutputStream raw = new ByteArrayOutputStream();
		try (InflaterOutputStream inflate = new InflaterOutputStream(raw)) {
			inflate.write(Files.readAllBytes(root.resolve("0/1/0/0/0")));
		}
		final float[] values = new float[6];
		ByteBuffer.wrap(raw.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
		assertArrayEquals(image(1, 6), values);
	}

	@Test
	void aStackOfAnotherRunOrAFolderOfOtherFilesIsRefusedAndLeftAsItWas(@TempDir final Path dir) throws IOException {
		final Path root = dir.resolve("s.zarr");
		ZarrImageStack.openOrCreate(root, 2, 1, 2, 3, description(1)).write(0, image(0, 6));
		final String attrs = new String(Files.readAllBytes(root.resolve(".zattrs")), StandardCharsets.UTF_8);
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.openOrCreate(root, 2, 1, 2, 3,
			description(2))).getMessage().contains("made by another run"));
		assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.openOrCreate(root, 3, 1, 2, 3, description(
			1)));
		assertEquals(attrs, new String(Files.readAllBytes(root.resolve(".zattrs")), StandardCharsets.UTF_8));
		assertTrue(ZarrImageStack.open(root).has(0));

		final Path other = Files.createDirectories(dir.resolve("photos"));
		Files.write(other.resolve("a.png"), new byte[] { 1 });
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.openOrCreate(other, 2, 1, 2, 3,
			description(1))).getMessage().contains("not a Zarr image stack"));
		assertFalse(Files.exists(other.resolve(".zgroup")));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.open(other)).getMessage()
			.contains(".zarray is missing"));
	}

	@Test
	void damagedChunksAndMetadataAreNamed(@TempDir final Path dir) throws IOException {
		final Path root = dir.resolve("s.zarr");
		final ZarrImageStack stack = ZarrImageStack.openOrCreate(root, 2, 1, 2, 3, description(1));
		stack.write(0, image(0, 6));
		final byte[] chunk = Files.readAllBytes(root.resolve("0/0/0/0/0"));
		Files.write(root.resolve("0/0/0/0/0"), Arrays.copyOf(chunk, chunk.length / 2));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> stack.read(0)).getMessage().contains(
			"damaged chunk"));
		assertThrows(IllegalArgumentException.class, () -> stack.write(1, new float[5]));

		final String zarray = new String(Files.readAllBytes(root.resolve("0/.zarray")), StandardCharsets.UTF_8);
		Files.write(root.resolve("0/.zarray"), zarray.replace("<f4", "<f8").getBytes(StandardCharsets.UTF_8));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.open(root)).getMessage().contains(
			"dtype"));
		Files.write(root.resolve("0/.zarray"), zarray.replace("\"chunks\": [\n    1,", "\"chunks\": [\n    2,")
			.getBytes(StandardCharsets.UTF_8));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.open(root)).getMessage().contains(
			"one whole image"));
		Files.write(root.resolve("0/.zarray"), "{\"zarr_format\": 2, \"shape\": ".getBytes(StandardCharsets.UTF_8));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.open(root)).getMessage().contains(
			"not a JSON object"));
	}
}
