package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

	static Path file(final Path dir, final String header, final int dataBytes) throws Exception {
		final byte[] h = header.getBytes(StandardCharsets.UTF_8);
		final ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
		b.putLong(h.length).put(h);
		final Path f = dir.resolve("t" + System.nanoTime() + ".safetensors");
		Files.write(f, b.array());
		return f;
	}

	@Test
	void writtenTensorsReadBackExactly(@TempDir final Path dir) throws Exception {
		final Map<String, HostTensor> t = new LinkedHashMap<>();
		t.put("a", HostTensor.ofFloats(new long[] { 2, 3 }, new float[] { 1, -2, 3.5f, Float.MIN_VALUE, 0, 7 }));
		t.put("b", HostTensor.ofFloats(new long[] { 0 }, new float[0]));
		final Path f = dir.resolve("x.safetensors");
		SafeTensors.write(f, t, Map.of("format", "pt"));
		final Map<String, HostTensor> back = SafeTensors.read(f);
		assertEquals(t.keySet(), back.keySet());
		assertArrayEquals(t.get("a").toFloatArray(), back.get("a").toFloatArray());
		assertEquals("pt", SafeTensors.readHeader(f).metadata.get("format"));
	}

	@Test
	void halfAndBfloat16AreConvertedExactlyInJava(@TempDir final Path dir) throws Exception {
		// F16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal 0x0001 = 2^-24
		// BF16: 1.0 = 0x3f80, -3.0 = 0xc040, 1e38 ≈ 0x7e96
		final ByteBuffer data = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
		data.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x7bff).putShort((short) 0x0001);
		data.putShort((short) 0x3f80).putShort((short) 0xc040).putShort((short) 0x7e96);
		final String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}," +
			"\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]}}";
		final Path f = file(dir, header, 0);
		Files.write(f, data.array(), java.nio.file.StandardOpenOption.APPEND);
		final Map<String, HostTensor> t = SafeTensors.read(f);
		assertArrayEquals(new float[] { 1f, -2f, 65504f, (float) Math.pow(2, -24) }, t.get("h").toFloatArray());
		assertArrayEquals(new float[] { 1f, -3f, Float.intBitsToFloat(0x7e960000) }, t.get("b").toFloatArray());
	}

	@Test
	void hostileHeadersFailFastWithTheFileNamed(@TempDir final Path dir) throws Exception {
		final Path absurd = dir.resolve("absurd.safetensors");
		Files.write(absurd, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 62).array());
		assertMessage(absurd, "header length");
		final Path tiny = dir.resolve("tiny.safetensors");
		Files.write(tiny, new byte[] { 1, 2 });
		assertMessage(tiny, "too short");
		assertMessage(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8),
			"outside the 8 data bytes");
		assertMessage(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16),
			"needs 12 bytes");
		assertMessage(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
			"\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
		assertMessage(file(dir, "{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8),
			"unsupported dtype");
		assertMessage(file(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}",
			8), "overflows");
		assertMessage(file(dir, "not json", 0), "not valid JSON");
	}

	@Test
	void truncatedFileIsReportedAsTruncated(@TempDir final Path dir) throws Exception {
		final Map<String, HostTensor> t = new LinkedHashMap<>();
		t.put("a", HostTensor.ofFloats(new long[] { 64 }, new float[64]));
		final Path f = dir.resolve("full.safetensors");
		SafeTensors.write(f, t, null);
		final byte[] all = Files.readAllBytes(f);
		final Path cut = dir.resolve("cut.safetensors");
		Files.write(cut, Arrays.copyOf(all, all.length - 10));
		assertMessage(cut, "outside");
	}

	static void assertMessage(final Path f, final String expected) {
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafeTensors.read(f));
		assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(f.toString()), e.getMessage());
	}
}
