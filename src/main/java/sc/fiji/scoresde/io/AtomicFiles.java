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

	public static void write(final Path target, final Writer body) throws IOException {
		final Path dir = target.toAbsolutePath().getParent();
		if (dir != null) Files.createDirectories(dir);
		final Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
		boolean done = false;
		try {
			try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
				body.writeTo(out);
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
