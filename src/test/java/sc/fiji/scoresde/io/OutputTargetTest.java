package sc.fiji.scoresde.io;

import sc.fiji.scoresde.images.PngWriter;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The destination check that runs before any work: one sentence per problem, and it changes nothing. */
class OutputTargetTest {

	@TempDir
	Path dir;

	private long entries() throws IOException {
		try (Stream<Path> files = Files.walk(dir)) {
			return files.count() - 1;
		}
	}

	@Test
	void anExistingFolderIsNotAnOutputFile() throws Exception {
		final Path folder = Files.createDirectory(dir.resolve("out.npy"));
		final IOException e = assertThrows(IOException.class, () -> OutputTarget.checkFiles(List.of(folder)));
		assertTrue(e.getMessage().contains(folder + " is an existing folder"), e.getMessage());
	}

	@Test
	void aPathUnderARegularFileNamesThatFile() throws Exception {
		final Path file = Files.write(dir.resolve("notes.txt"), new byte[1]);
		final IOException e = assertThrows(IOException.class, () -> OutputTarget.checkFiles(List.of(file.resolve(
			"sub/out.png"))));
		assertTrue(e.getMessage().contains(file + " is a file, not a folder"), e.getMessage());
	}

	@Test
	void missingFoldersAreAcceptedAndNotCreatedByTheCheck() throws Exception {
		assertDoesNotThrow(() -> OutputTarget.checkFiles(List.of(dir.resolve("a/b/out.tif"))));
		assertDoesNotThrow(() -> OutputTarget.checkFolder(dir.resolve("new-model")));
		assertEquals(0, entries(), "no folder, no probe file left");
	}

	@Test
	void theProbeLeavesNothingInAWritableFolder() throws Exception {
		OutputTarget.checkFiles(PngWriter.fileNames(dir.resolve("out.png"), 8));
		assertEquals(0, entries());
	}

	@Test
	void aFileIsNotAnOutputFolder() throws Exception {
		final Path file = Files.write(dir.resolve("model"), new byte[1]);
		final IOException e = assertThrows(IOException.class, () -> OutputTarget.checkFolder(file));
		assertTrue(e.getMessage().contains("is a file"), e.getMessage());
	}

	@Test
	void aFolderThatTakesNoFilesIsRefused() throws Exception {
		final Path locked = Files.createDirectory(dir.resolve("locked"));
		assertTrue(locked.toFile().setWritable(false, false));
		try {
			// root writes anyway (chmod does not stop it); then the check must not refuse either
			final boolean writable = canCreateIn(locked);
			final Path out = locked.resolve("out.npy");
			if (writable) assertDoesNotThrow(() -> OutputTarget.checkFiles(List.of(out)));
			else {
				final IOException e = assertThrows(IOException.class, () -> OutputTarget.checkFiles(List.of(out)));
				assertTrue(e.getMessage().contains("does not take new files"), e.getMessage());
			}
		}
		finally {
			locked.toFile().setWritable(true, false);
		}
		assertFalse(Files.exists(locked.resolve("out.npy")));
	}

	private static boolean canCreateIn(final Path folder) {
		try {
			Files.delete(Files.createTempFile(folder, "t", ".tmp"));
			return true;
		}
		catch (final IOException e) {
			return false;
		}
	}
}
