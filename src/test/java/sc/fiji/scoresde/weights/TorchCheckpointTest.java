package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.weights.TorchZips.Entry;
import sc.fiji.scoresde.weights.TorchZips.View;

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

	// --- storages shared by many tensors, and sizes the archive lies about (issue 24) ---

	private static final long MIB = 1 << 20;

	/** Heap the current thread allocated while running the read (HotSpot counts it exactly, unlike used heap). */
	private static long allocatedBy(final Runnable read) {
		final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		final long id = Thread.currentThread().getId();
		final long before = threads.getThreadAllocatedBytes(id);
		read.run();
		return threads.getThreadAllocatedBytes(id) - before;
	}

	private interface Read {

		void run() throws Exception;
	}

	private static Runnable unchecked(final Read read) {
		return () -> {
			try {
				read.run();
			}
			catch (final RuntimeException e) {
				throw e;
			}
			catch (final Exception e) {
				throw new AssertionError(e);
			}
		};
	}

	@Test
	void storageReferencedByManyTensorsIsReadOnceAndShared(@TempDir final Path dir) throws Exception {
		final Path bin = dir.resolve("shared.bin");
		final long numel = 4 * MIB;
		TorchZips.writeCheckpoint(bin, TorchZips.sharedViews(300, numel), numel * 4);
		assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
			final Map<String, HostTensor>[] read = new Map[1];
			final long allocated = allocatedBy(unchecked(() -> read[0] = TorchCheckpoint.read(bin)));
			assertEquals(300, read[0].size());
			for (final HostTensor t : read[0].values())
				assertArrayEquals(new long[] { numel }, t.shape());
			assertEquals(0f, read[0].get("shared.299.weight").toFloatArray()[(int) numel - 1]);
			// one 16 MiB storage, not 300 reads and 300 copies of it (9.6 GB)
			assertTrue(allocated < 100 * MIB, "the read allocated " + allocated + " bytes");
		});
	}

	@Test
	void storagesTooLargeForTheHeapAreRefusedBeforeAnyIsRead(@TempDir final Path dir) throws Exception {
		final Path bin = dir.resolve("bomb.bin");
		final long numel = 475_000_000L; // 1.9 GB of float zeros, deflated to 1.8 MB
		TorchZips.writeCheckpoint(bin, TorchZips.sharedViews(3, numel), numel * 4);
		assertTrue(Files.size(bin) < 4 * MIB, "the hostile file is small: " + Files.size(bin));
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			final ModelFormatException[] e = new ModelFormatException[1];
			final long allocated = allocatedBy(() -> e[0] = assertThrows(ModelFormatException.class, () ->
				TorchCheckpoint.read(bin, wanted -> 1_000_000_000L)));
			final String m = e[0].getMessage();
			assertTrue(m.startsWith(bin + ": its tensors need 1900000000 bytes (1900 MB) of Java heap (1 storage"), m);
			assertTrue(m.contains("1000 MB are available") && m.contains("-Xmx"), m);
			assertTrue(allocated < 50 * MIB, "nothing may be read before the refusal; allocated " + allocated);
		});
	}

	@Test
	void heapBytesCountsEachSharedStorageOnceFromTheDirectoryWithoutReadingIt(@TempDir final Path dir)
		throws Exception
	{
		final Path bin = dir.resolve("bomb.bin");
		final long numel = 475_000_000L;
		TorchZips.writeCheckpoint(bin, TorchZips.sharedViews(3, numel), numel * 4);
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			final long[] bytes = new long[1];
			final long allocated = allocatedBy(unchecked(() -> bytes[0] = TorchCheckpoint.heapBytes(bin)));
			assertEquals(1_900_000_000L, bytes[0]);
			assertTrue(allocated < 50 * MIB, "heapBytes read a storage: allocated " + allocated);
		});
	}

	@Test
	void stridedCopiesCountAgainstTheHeapToo(@TempDir final Path dir) throws Exception {
		final Path bin = dir.resolve("transposed.bin");
		final long side = 512;
		final List<View> views = new java.util.ArrayList<>();
		for (int i = 0; i < 10; i++) // each a transposed copy of the whole 1 MiB storage
			views.add(new View("t" + i, "0", side * side, 0, new long[] { side, side }, new long[] { 1, side }));
		TorchZips.writeCheckpoint(bin, views, side * side * 4);
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bin,
			wanted -> 5 * MIB));
		assertTrue(e.getMessage().contains("need 11534336 bytes") && e.getMessage().contains(
			"10485760 bytes of strided tensors"), e.getMessage());
		assertEquals(10, TorchCheckpoint.read(bin, wanted -> 12 * MIB).size());
	}

	@Test
	void viewsOfOneStorageSeeItsValuesAtTheirOffsetsAndStrides(@TempDir final Path dir) throws Exception {
		final ByteBuffer values = ByteBuffer.allocate(12 * 4).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < 12; i++)
			values.putFloat(i);
		final List<View> views = Arrays.asList(View.whole("whole", "0", 12), new View("block", "0", 12, 4,
			new long[] { 2, 3 }, new long[] { 3, 1 }), new View("transposed", "0", 12, 0, new long[] { 3, 4 },
				new long[] { 1, 3 }), new View("empty", "0", 12, 12, new long[] { 0 }, new long[] { 1 }));
		final Path bin = dir.resolve("views.bin");
		TorchZips.write(bin, Arrays.asList(Entry.stored("archive/data.pkl", TorchZips.statePickle(views)), Entry
			.stored("archive/data/0", values.array())));
		final Map<String, HostTensor> read = TorchCheckpoint.read(bin);
		assertArrayEquals(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, read.get("whole").toFloatArray());
		assertArrayEquals(new float[] { 4, 5, 6, 7, 8, 9 }, read.get("block").toFloatArray());
		assertArrayEquals(new long[] { 2, 3 }, read.get("block").shape());
		assertArrayEquals(new float[] { 0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11 }, read.get("transposed").toFloatArray());
		assertEquals(0, read.get("empty").numel());
	}

	@Test
	void storageEntryThatInflatesPastItsDeclaredSizeIsRefused(@TempDir final Path dir) throws Exception {
		final Path bin = dir.resolve("lying-storage.bin");
		final long declared = MIB; // what the pickle and the zip directory say: 256 Ki floats
		TorchZips.write(bin, Arrays.asList(Entry.stored("archive/data.pkl", TorchZips.statePickle(TorchZips
			.sharedViews(1, declared / 4))), Entry.deflated("archive/data/0", new byte[0], 1024 * MIB, declared)));
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			final ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bin));
			assertTrue(e.getMessage().contains("entry archive/data/0 holds more than the 1048576 bytes the zip" +
				" directory declares"), e.getMessage());
		});
	}

	@Test
	void pickleEntryThatInflatesPastItsDeclaredSizeIsRefused(@TempDir final Path dir) throws Exception {
		final Path bin = dir.resolve("lying-pickle.bin");
		final byte[] pickle = TorchZips.statePickle(TorchZips.sharedViews(1, 4));
		TorchZips.write(bin, Arrays.asList(Entry.deflated("archive/data.pkl", pickle, 1024 * MIB, pickle.length),
			Entry.stored("archive/data/0", new byte[16])));
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			final ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bin));
			assertTrue(e.getMessage().contains("entry archive/data.pkl holds more than the " + pickle.length +
				" bytes the zip directory declares"), e.getMessage());
		});
	}

	@Test
	void storageDeclaredTwiceWithDifferentSizesIsRefused(@TempDir final Path dir) throws Exception {
		final Path bin = dir.resolve("two-sizes.bin");
		TorchZips.writeCheckpoint(bin, Arrays.asList(View.whole("a", "0", 4), View.whole("b", "0", 8)), 32);
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(bin));
		assertTrue(e.getMessage().contains("storage '0' is declared twice, as 4 × F32 and as 8 × F32"), e
			.getMessage());
	}

	/** 8 MB of one one-byte op after an empty dict: 8 KB deflated, and 8 million objects if nothing stops it. */
	static Iterable<String> amplifyingOps() {
		return Arrays.asList("EMPTY_DICT 7d", "EMPTY_LIST 5d", "MARK 28", "DUP 32", "MEMOIZE 94");
	}

	@ParameterizedTest
	@MethodSource("amplifyingOps")
	void pickleThatBuildsMillionsOfObjectsIsRefusedEarly(final String op, @TempDir final Path dir) throws Exception {
		final int code = Integer.parseInt(op.substring(op.indexOf(' ') + 1), 16);
		final byte[] pickle = new byte[8 << 20];
		Arrays.fill(pickle, (byte) code);
		pickle[0] = (byte) 0x80;
		pickle[1] = 2;
		pickle[2] = '}';
		pickle[pickle.length - 1] = '.';
		final Path bin = dir.resolve("objects.bin");
		writeCheckpoint(bin, pickle);
		assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
			final ModelFormatException[] e = new ModelFormatException[1];
			final long allocated = allocatedBy(() -> e[0] = assertThrows(ModelFormatException.class, () ->
				TorchCheckpoint.read(bin)));
			assertTrue(e[0].getMessage().matches(".*pickle (builds more than 2000000 objects|memo exceeds 2000000).*"),
				e[0].getMessage());
			assertTrue(allocated < 256 * MIB, op + ": the read allocated " + allocated + " bytes");
		});
	}
}
