package sc.fiji.scoresde.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import sc.fiji.scoresde.errors.Echo;

/**
 * Writes files under temporary names beside them and renames them only when complete, so nothing partial remains:
 * one file ({@link #write}, {@link #writeVia}) or a set of files that appears all or not at all ({@link #writeAll}).
 */
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

	/** Fills file {@code index} of a set. */
	@FunctionalInterface
	public interface SetWriter {

		void writeTo(int index, OutputStream out) throws IOException;
	}

	/** Renames a complete temporary file to its name (a seam for tests that make the k-th rename fail). */
	@FunctionalInterface
	interface Rename {

		void move(Path from, Path to) throws IOException;
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
		refuseFolder(target);
		Path tmp = null;
		boolean done = false;
		try {
			tmp = createTemporary(target);
			body.writeTo(tmp);
			makeReadable(tmp);
			replace(tmp, target);
			done = true;
		}
		catch (final IOException e) {
			throw new IOException("could not write " + Echo.of(target) + " (" + reason(e) + "); nothing was " +
				"written", e);
		}
		finally {
			if (!done && tmp != null) Files.deleteIfExists(tmp);
		}
	}

	/**
	 * Writes {@code targets} all or nothing: every file goes to a temporary name first, and only when all are complete
	 * are they renamed. If any step fails, the temporary files and the files already renamed are deleted and the
	 * files that were at those names before are put back, so the folder looks as it did before the call.
	 */
	public static void writeAll(final List<Path> targets, final SetWriter body) throws IOException {
		writeAll(targets, body, AtomicFiles::replace);
	}

	static void writeAll(final List<Path> targets, final SetWriter body, final Rename rename) throws IOException {
		if (new HashSet<>(targets).size() != targets.size()) throw new IllegalArgumentException("a set of files " +
			"names one file twice: " + Echo.of(targets));
		for (final Path target : targets)
			refuseFolder(target);
		final int n = targets.size();
		final Path[] temporaries = new Path[n], earlier = new Path[n];
		int renamed = 0, current = 0;
		try {
			for (current = 0; current < n; current++) {
				temporaries[current] = createTemporary(targets.get(current));
				try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporaries[current]), 1 << 16)) {
					body.writeTo(current, out);
				}
				makeReadable(temporaries[current]);
			}
			// the user's files at these names are moved aside, not replaced, until the whole set is in place (one
			// file needs no such care: its rename replaces the old file or fails and leaves it)
			for (current = 0; current < n; current++) {
				final Path target = targets.get(current);
				if (n > 1 && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
					final Path aside = Files.createTempFile(target.toAbsolutePath().getParent(), "." + shortName(target),
						".old");
					try {
						rename.move(target, aside);
					}
					catch (final IOException | RuntimeException e) {
						Files.deleteIfExists(aside);
						throw e;
					}
					earlier[current] = aside;
				}
				rename.move(temporaries[current], target);
				temporaries[current] = null;
				renamed = current + 1;
			}
		}
		catch (final IOException | RuntimeException | Error e) {
			undo(targets, temporaries, earlier, renamed, e);
			// after undo, whatever exists at these names was there before the call
			final boolean kept = targets.stream().anyMatch(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS));
			final String what = "; " + (n == 1 ? "nothing was written" : "none of the " + n + " files was written") +
				(kept ? " (the files that were already there are unchanged)" : "");
			if (e instanceof IOException) throw new IOException("could not write " + Echo.of(targets.get(Math.min(
				current, n - 1))) + " (" + reason((IOException) e) + ")" + what, e);
			throw e;
		}
		for (final Path old : earlier)
			if (old != null) Files.deleteIfExists(old);
	}

	/** Puts the folder back as it was: new files removed, moved-aside files back at their names. */
	private static void undo(final List<Path> targets, final Path[] temporaries, final Path[] earlier,
		final int renamed, final Throwable failure)
	{
		for (int i = targets.size() - 1; i >= 0; i--) {
			try {
				if (i < renamed) Files.deleteIfExists(targets.get(i));
				if (earlier[i] != null) Files.move(earlier[i], targets.get(i), StandardCopyOption.REPLACE_EXISTING);
				if (temporaries[i] != null) Files.deleteIfExists(temporaries[i]);
			}
			catch (final IOException e) {
				failure.addSuppressed(e);
			}
		}
	}

	/**
	 * Creates the empty temporary file that a write of {@code target} fills (its folders too): a name beside it, so
	 * that the final rename stays in one file system.
	 */
	static Path createTemporary(final Path target) throws IOException {
		final Path dir = target.toAbsolutePath().getParent();
		if (dir != null) Files.createDirectories(dir);
		final String name = target.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		return Files.createTempFile(dir, "." + shortName(target), ".part" + (dot > 0 ? name.substring(dot) : ""));
	}

	/** The start of the file name, so that temporary names stay within the file system's name length. */
	private static String shortName(final Path target) {
		final String name = target.getFileName().toString();
		return name.length() <= 100 ? name : name.substring(0, 100);
	}

	private static void refuseFolder(final Path target) throws IOException {
		if (Files.isDirectory(target)) throw new IOException("could not write " + Echo.of(target) + ": it is an " +
			"existing folder, not a file");
	}

	private static void makeReadable(final Path tmp) throws IOException {
		// createTempFile makes the file private (rw-------); a result should be readable like any new file
		try {
			Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
		}
		catch (final UnsupportedOperationException e) {
			// not a POSIX file system: its defaults apply
		}
	}

	private static void replace(final Path from, final Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (final AtomicMoveNotSupportedException e) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	/**
	 * Why a file operation failed, in words: the operating system's reason ("No space left on device"), not the
	 * exception's class or the temporary names it involved.
	 */
	public static String reason(final IOException e) {
		IOException deepest = e;
		for (Throwable t = e.getCause(); t != null; t = t.getCause())
			if (t instanceof IOException) deepest = (IOException) t;
		if (deepest instanceof NoSuchFileException) return "a folder on the way does not exist";
		if (deepest instanceof AccessDeniedException) return "permission denied";
		if (deepest instanceof FileSystemException) {
			final String r = ((FileSystemException) deepest).getReason();
			return r != null ? Echo.of(r) : "the file system refused it";
		}
		return deepest.getMessage() != null ? Echo.of(deepest.getMessage()) : "input/output error";
	}
}
