package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy header is the Python dict numpy writes; one that numpy would read differently from us is refused. */
class NpyReaderTest {

	/** The six values 0, 0.1, …, 0.5 as little-endian float32 bytes: a 2×3 image. */
	private static final byte[] SIX = floats(0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f);

	/** A .npy file of format {@code major}.0 with this header text (padded as numpy pads it) and data. */
	static byte[] npy(final int major, final String header, final byte[] data) {
		final int prefix = major == 1 ? 10 : 12;
		final int padding = (64 - (prefix + header.length() + 1) % 64) % 64;
		final byte[] h = (header + " ".repeat(padding) + "\n").getBytes(major == 3 ? StandardCharsets.UTF_8
			: StandardCharsets.ISO_8859_1);
		final ByteBuffer b = ByteBuffer.allocate(prefix + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
		if (major == 1) b.putShort((short) h.length);
		else b.putInt(h.length);
		return b.put(h).put(data).array();
	}

	private static byte[] floats(final float... values) {
		final ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		for (final float v : values)
			b.putFloat(v);
		return b.array();
	}

	private static String refusal(final String header, final byte[] data) {
		return assertThrows(ModelFormatException.class, () -> NpyReader.read(npy(1, header, data), "x.npy"))
			.getMessage();
	}

	/** Headers as numpy, Python 2's numpy, other writers and {@link NpyWriter} write them. */
	@Test
	void headersInThePythonSyntaxNumpyAcceptsAreRead(@TempDir final Path dir) throws IOException {
		final String[] headers = { "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
			"{\"shape\": (2, 3), \"descr\": \"<f4\", \"fortran_order\": False}",
			"{ 'descr' :'<f4' ,\n\t'fortran_order':False,'shape':( 2 , 3 , ) }",
			"{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
			"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 1), }" };
		for (final String header : headers)
			for (int major = 1; major <= 3; major++) {
				final UserImage image = NpyReader.read(npy(major, header, SIX), "x.npy");
				assertEquals(2, image.height, header);
				assertEquals(3, image.width, header);
				assertArrayEquals(new float[] { 0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f }, image.chw, header);
			}
		final Path file = dir.resolve("x.npy");
		NpyWriter.writeFloat32(file, new float[] { 1, 2, 3, 4, 5, 6 }, 1, 2, 3, 1);
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6 }, NpyReader.read(file).chw);
	}

	/**
	 * numpy takes the last of two equal keys: with fortran_order twice it reads the values transposed, with descr
	 * twice it reads another dtype (here an object array, pickled bytes that the first descr read as floats).
	 */
	@Test
	void aKeyGivenTwiceIsRefusedNamingTheKey() {
		assertEquals("x.npy: the .npy header has the key 'fortran_order' twice, so what it says is ambiguous; save " +
			"the array again with numpy.save", refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), " +
				"'fortran_order': True, }", SIX));
		assertEquals("x.npy: the .npy header has the key 'descr' twice, so what it says is ambiguous; save the array " +
			"again with numpy.save", refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'descr': " +
				"'|O', }", SIX));
	}

	/** numpy refuses a header whose keys are not exactly descr, fortran_order and shape. */
	@Test
	void unknownAndMissingKeysAreRefusedNamingTheKey() {
		assertEquals("x.npy: the .npy header has the key 'scale', which numpy does not write (expected only 'descr', " +
			"'fortran_order' and 'shape'); save the array again with numpy.save", refusal("{'descr': '<f4', " +
				"'fortran_order': False, 'shape': (2, 3), 'scale': 2, }", SIX));
		assertEquals("x.npy: the .npy header has no 'shape' key (numpy writes 'descr', 'fortran_order' and 'shape'); " +
			"save the array again with numpy.save", refusal("{'descr': '<f4', 'fortran_order': False, }", SIX));
	}

	/** The old reader searched the text and found "'descr': '<f4'" inside another key's string. */
	@Test
	void aKeyInsideAStringIsNotTakenForAnEntry() {
		final String message = refusal("{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), \"x\": \"'descr': " +
			"'<f4'\"}", SIX);
		assertTrue(message.startsWith("x.npy: the .npy header has the key 'x', which numpy does not write"), message);
	}

	@Test
	void valuesOfTheWrongKindAreNamedWithTheirKey() {
		assertEquals("x.npy: the .npy header's 'descr' is '|O', expected float32, float64, uint8 or uint16 ('<f4', " +
			"'<f8', '|u1', '<u2'; '>' for big-endian)", refusal("{'descr': '|O', 'fortran_order': False, 'shape': (2, " +
				"3), }", SIX));
		assertEquals("x.npy: the .npy header's 'fortran_order' is the string 'False', expected True or False",
			refusal("{'descr': '<f4', 'fortran_order': 'False', 'shape': (2, 3), }", SIX));
		assertEquals("x.npy: the .npy header's 'shape' is (6), a number in parentheses, expected a tuple such as (6,)",
			refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", SIX));
		assertEquals("x.npy: the .npy header's 'descr' is a tuple, expected a dtype string such as '<f4'", refusal(
			"{'descr': (4,), 'fortran_order': False, 'shape': (2, 3), }", SIX));
		assertEquals("x.npy: the .npy header entry 'shape' is not what numpy writes: expected a size (a whole number " +
			"≥ 0) at character 55, found '-3), }'", refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (2, " +
				"-3), }", SIX));
		assertEquals("x.npy: the .npy header entry 'fortran_order' is not what numpy writes: expected a string, True, " +
			"False or a tuple at character 35, found 'Falsey, 'shape': (2,'", refusal("{'descr': '<f4', 'fortran_order'" +
				": Falsey, 'shape': (2, 3), }", SIX));
		assertEquals("x.npy: the .npy header is not what numpy writes: expected a dict starting with { at character " +
			"1, found '[1, 2]'", refusal("[1, 2]", SIX));
	}

	/** numpy reads headers of at most 10000 bytes and arrays of at most 32 dimensions; sizes fit in a long. */
	@Test
	void longHeadersManyDimensionsAndHugeSizesAreRefusedInOneSentence() {
		final ModelFormatException longHeader = assertThrows(ModelFormatException.class, () -> NpyReader.read(npy(2,
			"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + " ".repeat(20_000), SIX), "x.npy"));
		assertTrue(longHeader.getMessage().matches("x\\.npy: its \\.npy header has 20\\d\\d\\d bytes, more than the " +
			"10000 numpy reads; save the array again with numpy\\.save"), longHeader.getMessage());
		assertEquals("x.npy: the .npy header's 'shape' has more than 32 dimensions", refusal("{'descr': '<f4', " +
			"'fortran_order': False, 'shape': (" + "1, ".repeat(40) + "), }", SIX));
		final String huge = "9".repeat(400);
		final String message = refusal("{'descr': '<f4', 'fortran_order': False, 'shape': (" + huge + ", 3), }", SIX);
		assertTrue(message.startsWith("x.npy: the .npy header's 'shape' has the size 9999") && message.endsWith(
			"… (400 characters), which is too large"), message);
	}

	/**
	 * The parser reads each character once: headers of 9000 brackets or quotes are refused at once, in a message
	 * that quotes at most 20 characters of them (the old one quoted the whole header).
	 */
	@Test
	void pathologicalHeadersAreRefusedQuicklyInAShortMessage() {
		assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
			for (final String body : new String[] { "(".repeat(9_000), "'".repeat(9_000), "{'shape': (" + "1,"
				.repeat(4_000), "{'descr': '" + "x".repeat(9_000) })
				for (int i = 0; i < 100; i++) {
					final String message = refusal(body, SIX);
					assertTrue(message.startsWith("x.npy: the .npy header") && message.length() < 300, message);
				}
		});
	}
}
