package sc.fiji.scoresde.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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

	/**
	 * A stack whose .zarray declares 2³¹ − 1 images: the images not written are found by listing the chunks that
	 * exist (two here), where the reader used to test a path for every declared image (minutes, and a list of two
	 * billion entries).
	 */
	@Test
	void missingImagesOfAHugeDeclaredCountAreFoundByListingTheWrittenOnes(@TempDir final Path dir) throws IOException {
		final Path root = dir.resolve("s.zarr");
		final ZarrImageStack small = ZarrImageStack.openOrCreate(root, 4, 1, 2, 3, description(1));
		small.write(0, image(0, 6));
		small.write(2, image(2, 6));
		Files.createDirectories(root.resolve("0/17/0/0")); // a folder without its chunk is not a written image
		Files.createDirectories(root.resolve("0/007/0/0/0")); // not a Zarr key (leading zeros)
		final Path zarray = root.resolve("0/.zarray");
		Files.write(zarray, text(zarray).replace("\"shape\": [\n    4,", "\"shape\": [\n    2147483647,").getBytes(
			StandardCharsets.UTF_8));
		final ZarrImageStack huge = ZarrImageStack.open(root);
		assertEquals(Integer.MAX_VALUE, huge.count());
		final List<Integer> missing = assertTimeoutPreemptively(Duration.ofSeconds(10), huge::missing);
		assertEquals(Integer.MAX_VALUE - 2, missing.size());
		assertEquals(Arrays.asList(1, 3, 4), missing.subList(0, 3));
		assertEquals(Integer.MAX_VALUE - 1, missing.get(missing.size() - 1));
		assertArrayEquals(image(2, 6), huge.read(2));
	}

	/** A named pipe blocks whoever opens it until a writer comes; such metadata is refused without opening it. */
	@Test
	void metadataThatIsANamedPipeIsRefusedWithoutBlocking(@TempDir final Path dir) throws Exception {
		for (final String name : new String[] { "0/.zarray", ".zattrs" }) {
			final Path root = dir.resolve(name.replace('/', '_') + ".zarr");
			ZarrImageStack.openOrCreate(root, 2, 1, 2, 3, description(1));
			final Path file = root.resolve(name);
			Files.delete(file);
			assumeTrue(mkfifo(file), "mkfifo is not available");
			final IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
				IllegalArgumentException.class, () -> ZarrImageStack.open(root)));
			assertEquals(file + " is a pipe, device or socket, not a regular file; only regular files are read", e
				.getMessage());
		}
	}

	/**
	 * Metadata linked to /dev/zero never ends and a sparse .zattrs of 64 MB is far larger than metadata: both are
	 * refused before they are read (the reader used to run out of memory on the first).
	 */
	@Test
	void metadataLinkedToADeviceOrLargerThanAMegabyteIsRefusedUnread(@TempDir final Path dir) throws Exception {
		final Path root = dir.resolve("s.zarr");
		ZarrImageStack.openOrCreate(root, 2, 1, 2, 3, description(1));
		final Path attrs = root.resolve(".zattrs");
		final byte[] kept = Files.readAllBytes(attrs);
		try (RandomAccessFile f = new RandomAccessFile(attrs.toFile(), "rw")) {
			f.setLength(64L << 20);
		}
		final IllegalArgumentException big = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
			IllegalArgumentException.class, () -> ZarrImageStack.open(root)));
		assertEquals(attrs + " holds 67108864 bytes, more than the 1048576 read from such a file", big.getMessage());
		Files.write(attrs, kept);

		assumeTrue(Files.exists(Paths.get("/dev/zero")), "no /dev/zero");
		final Path zarray = root.resolve("0/.zarray");
		Files.delete(zarray);
		Files.createSymbolicLink(zarray, Paths.get("/dev/zero"));
		final IllegalArgumentException zero = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
			IllegalArgumentException.class, () -> ZarrImageStack.open(root)));
		assertEquals(zarray + " is a pipe, device or socket (through a symbolic link), not a regular file; only " +
			"regular files are read", zero.getMessage());
	}

	/** A chunk of 3 GB (sparse) for an image of 24 bytes is damaged; it is refused without being read. */
	@Test
	void aChunkFarLargerThanItsImageIsRefusedUnread(@TempDir final Path dir) throws IOException {
		final Path root = dir.resolve("s.zarr");
		final ZarrImageStack stack = ZarrImageStack.openOrCreate(root, 2, 1, 2, 3, description(1));
		stack.write(0, image(0, 6));
		final Path chunk = root.resolve("0/0/0/0/0");
		try (RandomAccessFile f = new RandomAccessFile(chunk.toFile(), "rw")) {
			f.setLength(3L << 30);
		}
		final IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
			IllegalArgumentException.class, () -> stack.read(0)));
		assertEquals(chunk + " holds 3221225472 bytes, more than the 1048 read from such a file (a damaged chunk)", e
			.getMessage());
	}

	/**
	 * Metadata of the wrong types is named in one sentence (file, key, value, what was expected) without the JSON
	 * library's words, and JSON nested deeper than metadata ever is (which overflowed the stack when printed) is
	 * refused.
	 */
	@Test
	void malformedMetadataIsNamedWithTheKeyAndTheValueSeen(@TempDir final Path dir) throws IOException {
		final Path root = dir.resolve("s.zarr");
		ZarrImageStack.openOrCreate(root, 2, 1, 2, 3, description(1));
		final Path zarray = root.resolve("0/.zarray");
		final String kept = text(zarray);
		final String[][] cases = { { "\"shape\": [\n    2,", "\"shape\": [\n    \"two\",", zarray +
			": \"shape\" is [\"two\",1,2,3], expected four whole numbers from 1 to 2147483647 (image, channel, y, x)" },
			{ "\"shape\": [\n    2,", "\"shape\": [\n    1e99,", "\"shape\" is [1e99,1,2,3]" },
			{ "\"id\": \"zlib\"", "\"id\": 5", zarray + ": \"compressor\" is {\"id\":5,\"level\":1}, expected null or " +
				"{\"id\": \"zlib\"}" },
			{ "\"id\": \"zlib\"", "\"id\": [\"zlib\"]", "\"compressor\" is {\"id\":[\"zlib\"]," },
			{ "\"dtype\": \"<f4\"", "\"dtype\": \"" + "x".repeat(300) + "\"", "… (302 characters), expected \"<f4\"" },
			{ "\"dtype\": \"<f4\"", "\"dtype\": " + "[".repeat(100_000) + "]".repeat(100_000), zarray +
				" nests more than 64 levels of [ and {; it is not the metadata of a score-sde image stack" } };
		for (final String[] c : cases) {
			Files.write(zarray, kept.replace(c[0], c[1]).getBytes(StandardCharsets.UTF_8));
			final String message = assertThrows(IllegalArgumentException.class, () -> ZarrImageStack.open(root))
				.getMessage();
			assertTrue(message.contains(c[2]), message);
			assertTrue(message.length() < 400, message);
			assertFalse(message.contains("For input string") || message.contains("JSON Object") || message.contains(
				"Exception"), message);
		}
	}

	private static String text(final Path file) throws IOException {
		return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
	}

	private static boolean mkfifo(final Path file) throws InterruptedException {
		try {
			return new ProcessBuilder("mkfifo", file.toString()).inheritIO().start().waitFor() == 0;
		}
		catch (final IOException e) {
			return false;
		}
	}
}
