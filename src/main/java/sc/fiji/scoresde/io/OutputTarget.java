package sc.fiji.scoresde.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.scoresde.errors.Echo;

/**
 * Checks where a run will write before the run starts, so that a bad destination costs a second, not a 2000-step
 * run. The check changes nothing: missing folders are created by the write itself, and the only file it makes is a
 * probe that it deletes at once (trying a write is the one reliable test of a writable folder: permissions, ACLs,
 * read-only mounts and root all answer differently to the permission bits).
 */
public final class OutputTarget {

	private OutputTarget() {}

	/** Refuses unless each of {@code files} can be written: not a folder, in a folder that exists or can be made. */
	public static void checkFiles(final List<Path> files) throws IOException {
		for (final Path file : files) {
			final Path absolute = file.toAbsolutePath();
			if (Files.isDirectory(absolute)) throw new IOException("output " + Echo.of(file) + " is an existing " +
				"folder; give a file name (for example " + Echo.of(absolute.resolve("out" + extension(file))) + ")");
			if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(absolute)) throw new IOException(
				"output " + Echo.of(file) + " exists and is not a regular file; choose another name");
		}
		// the files of one run share one folder or a few: each is probed once
		final Map<Path, Path> firstInFolder = new LinkedHashMap<>();
		for (final Path file : files) {
			final Path dir = file.toAbsolutePath().getParent();
			if (dir != null) firstInFolder.putIfAbsent(dir, file);
		}
		for (final Map.Entry<Path, Path> e : firstInFolder.entrySet())
			checkFolder(e.getValue(), e.getKey(), e.getValue());
	}

	/** Refuses unless {@code folder} is an existing folder or can be made, and files can be created in it. */
	public static void checkFolder(final Path folder) throws IOException {
		final Path absolute = folder.toAbsolutePath();
		if (Files.exists(absolute) && !Files.isDirectory(absolute)) throw new IOException("output folder " + Echo.of(
			folder) + " is a file; give a new or empty folder");
		checkFolder(folder, absolute, null);
	}

	/**
	 * {@code dir} exists and takes new files, or its nearest existing parent does (the write creates the rest).
	 *
	 * @param output what the user named, for the message
	 * @param file the file to be written in {@code dir}, or null: the probe then takes a name of its own
	 */
	private static void checkFolder(final Path output, final Path dir, final Path file) throws IOException {
		Path existing = dir;
		while (existing != null && !Files.exists(existing))
			existing = existing.getParent();
		if (existing == null) throw new IOException("cannot write output " + Echo.of(output) + ": none of the " +
			"folders of its path exists");
		if (!Files.isDirectory(existing)) throw new IOException("cannot write output " + Echo.of(output) + ": " +
			Echo.of(existing) + " is a file, not a folder");
		final Path probe;
		try {
			// in the file's own folder the probe is the temporary file the write will make, name length included
			probe = file != null && existing.equals(dir) ? AtomicFiles.createTemporary(file) : Files.createTempFile(
				existing, ".score-sde-write-check", ".tmp");
		}
		catch (final IOException e) {
			throw new IOException("cannot write output " + Echo.of(output) + ": folder " + Echo.of(existing) +
				" does not take new files (" + AtomicFiles.reason(e) + "); choose another folder", e);
		}
		Files.deleteIfExists(probe);
	}

	private static String extension(final Path file) {
		final String name = file.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		return dot > 0 ? name.substring(dot) : "";
	}
}
