package sc.fiji.scoresde.io;

import sc.fiji.scoresde.images.PngWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A set of files (a PNG batch) appears all or not at all, and the user's files at those names survive a failure. */
class AtomicFilesTest {

	@TempDir
	Path dir;

	private List<Path> batch(final int count) {
		return PngWriter.fileNames(dir.resolve("out.png"), count);
	}

	private Set<String> names() throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	private static String text(final Path file) throws IOException {
		return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
	}

	@Test
	void aWriteThatFailsOnTheThirdFileLeavesNoneOfTheSetAndKeepsTheUsersFile() throws Exception {
		final List<Path> files = batch(5);
		Files.write(files.get(0), "the user's own out-0".getBytes(StandardCharsets.UTF_8));
		final IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeAll(files, (n, out) -> {
			out.write(("image " + n).getBytes(StandardCharsets.UTF_8));
			if (n == 2) throw new IOException("No space left on device");
		}));
		assertEquals(Set.of("out-0.png"), names(), "no new file, no temporary file");
		assertEquals("the user's own out-0", text(files.get(0)));
		assertTrue(e.getMessage().contains("out-2.png"), e.getMessage());
		assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
		assertTrue(e.getMessage().contains("none of the 5 files was written"), e.getMessage());
	}

	@Test
	void aRenameThatFailsHalfwayPutsBackTheFilesThatWereThere() throws Exception {
		final List<Path> files = batch(4);
		Files.write(files.get(0), "old 0".getBytes(StandardCharsets.UTF_8));
		Files.write(files.get(2), "old 2".getBytes(StandardCharsets.UTF_8));
		final AtomicInteger renames = new AtomicInteger();
		// renames: old 0 aside, new 0 in, new 1 in, old 2 aside, new 2 in <- fails
		final IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeAll(files, (n, out) -> out.write(
			("new " + n).getBytes(StandardCharsets.UTF_8)), (from, to) -> {
				if (renames.incrementAndGet() == 5) throw new IOException("rename refused (injected)");
				Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			}));
		assertEquals(Set.of("out-0.png", "out-2.png"), names(), "the folder as it was");
		assertEquals("old 0", text(files.get(0)));
		assertEquals("old 2", text(files.get(2)));
		assertTrue(e.getMessage().contains("unchanged"), e.getMessage());
	}

	@Test
	void aCompleteSetReplacesOlderFilesAndLeavesNoTemporaries() throws Exception {
		final List<Path> files = batch(3);
		Files.write(files.get(1), "old".getBytes(StandardCharsets.UTF_8));
		AtomicFiles.writeAll(files, (n, out) -> out.write(("new " + n).getBytes(StandardCharsets.UTF_8)));
		assertEquals(Set.of("out-0.png", "out-1.png", "out-2.png"), names());
		for (int n = 0; n < 3; n++)
			assertEquals("new " + n, text(files.get(n)));
	}

	@Test
	void aFolderAtOneOfTheNamesStopsTheSetBeforeAnythingIsWritten() throws Exception {
		final List<Path> files = batch(3);
		Files.createDirectory(files.get(2));
		final AtomicInteger written = new AtomicInteger();
		final IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeAll(files, (n, out) -> written
			.incrementAndGet()));
		assertEquals(0, written.get());
		assertEquals(Set.of("out-2.png"), names());
		assertTrue(e.getMessage().contains("existing folder"), e.getMessage());
	}

	@Test
	void aPngBatchWithAFolderAtOneOfItsNamesWritesNoneOfIt() throws Exception {
		// through the writer the CLI uses; before the fix out-0.png and out-1.png were written, then out-2 failed
		final List<Path> files = batch(3);
		Files.write(files.get(0), "the user's own out-0".getBytes(StandardCharsets.UTF_8));
		Files.createDirectory(files.get(2));
		Files.write(files.get(2).resolve("keep"), new byte[1]);
		assertThrows(IOException.class, () -> PngWriter.write(dir.resolve("out.png"), new byte[3 * 4 * 4], 3, 4, 4,
			1));
		assertEquals(Set.of("out-0.png", "out-2.png"), names());
		assertEquals("the user's own out-0", text(files.get(0)));
		assertFalse(Files.exists(files.get(1)));
	}
}
