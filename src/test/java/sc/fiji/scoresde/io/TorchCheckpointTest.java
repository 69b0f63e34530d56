package sc.fiji.scoresde.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sc.fiji.scoresde.Fixtures;

/** The restricted unpickler: hub-style .bin files load exactly; anything that would run code is refused. */
class TorchCheckpointTest {

	static Iterable<String> fixtures() {
		return Fixtures.ALL;
	}

	@ParameterizedTest
	@MethodSource("fixtures")
	void pickleWithLegacyNamesLoadsTheSameWeightsAsSafetensors(final String fixture) throws Exception {
		final Map<String, HostTensor> fromBin = LegacyKeys.toCurrent(TorchCheckpoint.read(Fixtures.dir(fixture)
			.resolve("pipeline-bin/unet/diffusion_pytorch_model.bin")));
		final Map<String, HostTensor> fromSafetensors = LegacyKeys.toCurrent(SafeTensors.read(Fixtures.dir(fixture)
			.resolve("pipeline/unet/diffusion_pytorch_model.safetensors")));
		assertEquals(fromSafetensors.keySet(), fromBin.keySet(), fixture + ": key sets");
		for (final String key : fromSafetensors.keySet()) {
			assertArrayEquals(fromSafetensors.get(key).shape(), fromBin.get(key).shape(), key);
			assertArrayEquals(fromSafetensors.get(key).toFloatArray(), fromBin.get(key).toFloatArray(), 0f, key);
		}
	}

	@Test
	void hubFilesUseLegacyAttentionNames() throws Exception {
		final Map<String, HostTensor> raw = TorchCheckpoint.read(Fixtures.dir("ncsnpp-tiny").resolve(
			"pipeline-bin/unet/diffusion_pytorch_model.bin"));
		assertTrue(raw.containsKey("mid_block.attentions.0.query.weight"));
		assertTrue(raw.containsKey("time_proj.W"));
		assertFalse(raw.containsKey("time_proj.weight"));
	}

	/** A protocol-2 pickle of {@code os.system(command)}, as an attacker would write it. */
	static byte[] callPickle(final String module, final String name, final String argument) {
		final ByteArrayOutputStream b = new ByteArrayOutputStream();
		b.write(0x80);
		b.write(2);
		b.write('c');
		b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
		final byte[] arg = argument.getBytes(StandardCharsets.UTF_8);
		b.write('X');
		b.write(arg.length & 0xff);
		b.write((arg.length >> 8) & 0xff);
		b.write(0);
		b.write(0);
		b.writeBytes(arg);
		b.write(0x85); // TUPLE1
		b.write('R'); // REDUCE
		b.write('.');
		return b.toByteArray();
	}

	static void writeCheckpoint(final Path file, final byte[] pickle) throws IOException {
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			zip.putNextEntry(new ZipEntry("archive/data.pkl"));
			zip.write(pickle);
			zip.closeEntry();
			zip.putNextEntry(new ZipEntry("archive/version"));
			zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
			zip.closeEntry();
		}
	}

	@Test
	void pickleCallingOsSystemIsRefusedAndRunsNothing(@TempDir final Path dir) throws Exception {
		final Path marker = dir.resolve("pwned");
		final Path bin = dir.resolve("diffusion_pytorch_model.bin");
		writeCheckpoint(bin, callPickle("os", "system", "touch " + marker));
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bin));
		assertTrue(e.getMessage().contains("'os.system'"), e.getMessage());
		assertTrue(e.getMessage().contains(bin.toString()), e.getMessage());
		assertFalse(Files.exists(marker), "the command must not have run");
	}

	@Test
	void otherDangerousGlobalsAreRefusedByName(@TempDir final Path dir) throws Exception {
		for (final String[] g : new String[][] { { "builtins", "eval" }, { "subprocess", "Popen" }, { "posix",
			"system" }, { "torch", "load" } })
		{
			final Path bin = dir.resolve(g[1] + ".bin");
			writeCheckpoint(bin, callPickle(g[0], g[1], "x"));
			final ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bin));
			assertTrue(e.getMessage().contains("'" + g[0] + "." + g[1] + "'"), e.getMessage());
		}
	}

	@Test
	void notAZipIsAClearError(@TempDir final Path dir) throws Exception {
		final Path bin = dir.resolve("model.bin");
		Files.write(bin, new byte[] { 1, 2, 3 });
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bin));
		assertTrue(e.getMessage().contains("not a torch.save zip archive"), e.getMessage());
	}
}
