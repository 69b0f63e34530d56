package sc.fiji.scoresde.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Function;

/**
 * Reads whole files that a user points at, but only regular files of a bounded size: opening a named pipe blocks
 * until someone writes to it, and /dev/zero (or a link to it) never ends. Symbolic links are followed, and the
 * file they lead to must be regular too.
 */
public final class BoundedFiles {

	private BoundedFiles() {}

	/**
	 * The bytes of {@code file}, or {@code error} (given one sentence that names the file) when it is not a regular
	 * file or holds more than {@code maxBytes}. A file that does not exist ends in {@link java.nio.file.NoSuchFileException}.
	 */
	public static <E extends Exception> byte[] read(final Path file, final int maxBytes,
		final Function<String, E> error) throws IOException, E
	{
		final BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
		if (!a.isRegularFile()) throw error.apply(file + " is " + (a.isDirectory() ? "a folder" : "a pipe, device " +
			"or socket") + (Files.isSymbolicLink(file) ? " (through a symbolic link)" : "") + ", not a regular file; " +
			"only regular files are read");
		if (a.size() > maxBytes) throw error.apply(tooLarge(file, a.size(), maxBytes));
		// the size was read before opening: a file that grows meanwhile is still read only up to the bound
		try (InputStream in = Files.newInputStream(file)) {
			final byte[] data = in.readNBytes(maxBytes);
			if (in.read() >= 0) throw error.apply(tooLarge(file, maxBytes + 1L, maxBytes));
			return data;
		}
	}

	private static String tooLarge(final Path file, final long size, final int maxBytes) {
		return file + " holds " + (size > maxBytes + 1L ? size + " bytes" : "more than " + maxBytes + " bytes") +
			", more than the " + maxBytes + " read from such a file";
	}
}
