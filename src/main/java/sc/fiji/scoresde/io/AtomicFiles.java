package sc.fiji.scoresde.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file under a temporary name beside it and renames it only when complete, so nothing partial remains. */
public final class AtomicFiles {

	private AtomicFiles() {}

	/** The body that fills the stream. */
	@FunctionalInterface
	public interface Writer {

		void writeTo(OutputStream out) throws IOException;
	}

	/** Writes a file by name (for writers that want a path, such as ImageJ's FileSaver). */
	@FunctionalInterface
	public interface PathWriter {

		void writeTo(Path temporary) throws IOException;
	}

	public static void write(final Path target, final Writer body) throws IOException {
		writeVia(target, tmp -> {
			try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
				body.writeTo(out);
			}
		});
	}

	/** Lets {@code body} write a temporary file beside {@code target} (same extension), then renames it. */
	public static void writeVia(final Path target, final PathWriter body) throws IOException {
		final Path dir = target.toAbsolutePath().getParent();
		if (dir != null) Files.createDirectories(dir);
		final String name = target.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		final Path tmp = Files.createTempFile(dir, "." + name, ".part" + (dot > 0 ? name.substring(dot) : ""));
		boolean done = false;
		try {
			body.writeTo(tmp);
			// createTempFile makes the file private (rw-------); a result should be readable like any new file
			try {
				Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString(
					"rw-r--r--"));
			}
			catch (final UnsupportedOperationException e) {
				// not a POSIX file system: its defaults apply
			}
			try {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
			done = true;
		}
		finally {
			if (!done) Files.deleteIfExists(tmp);
		}
	}
}
