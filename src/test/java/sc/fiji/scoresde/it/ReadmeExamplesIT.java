package sc.fiji.scoresde.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Readme;

/**
 * After {@code package}: every {@code <!-- runnable -->} shell block of README.md and docs/*.md, run line by line
 * with bash, as written, from a copy of the repository (bin/, benchmarks/, examples/, macros/, the packaged jar and
 * its dependencies), in page order; each line must exit 0 and leave the files its {@code --output} names. The other
 * shell blocks say why they are not run; DocsTest parses their launcher lines. Each line's exit code and time are
 * printed. {@code OMP_NUM_THREADS} is 1 unless set.
 */
class ReadmeExamplesIT {

	/** Longest a single example may take on a busy 2-core machine; they take seconds when it is quiet. */
	private static final long LINE_TIMEOUT_S = 600;

	@Test
	void runnableExamplesRunAsWrittenAndWriteTheirFiles(@TempDir final Path copy) throws Exception {
		copyRepository(copy);
		final List<String> failures = new ArrayList<>();
		int ran = 0;
		final long start = System.nanoTime();
		for (final Readme.Block b : Readme.blocks()) {
			if (!b.info.equals("sh") || !b.runnable()) continue;
			for (final String command : b.commands()) {
				final long t0 = System.nanoTime();
				final ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(copy.toFile())
					.redirectErrorStream(true).redirectOutput(copy.resolve(".example-output").toFile());
				// the examples promise files, not timings; one OpenMP thread keeps them quick on a busy machine,
				// where libtorch's spinning threads made a 28² call 16x slower (8 s against 0.5 s, load 18 on 2 cores)
				pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
				final Process p = pb.start();
				final boolean finished = p.waitFor(LINE_TIMEOUT_S, TimeUnit.SECONDS);
				if (!finished) p.destroyForcibly().waitFor();
				final String output = Files.readString(copy.resolve(".example-output"), StandardCharsets.UTF_8);
				final int rc = finished ? p.exitValue() : -1;
				System.out.printf("ReadmeExamplesIT: exit %d, %.1f s: %s: %s%n", rc, (System.nanoTime() - t0) / 1e9,
					b, command);
				ran++;
				if (rc != 0) {
					failures.add(b + ": " + command + "\n  exit " + (finished ? rc : "none: timed out after " +
						LINE_TIMEOUT_S + " s") + "\n  " + tail(output).replace("\n", "\n  "));
					continue;
				}
				for (final String promised : promisedFiles(command))
					if (!writtenAs(copy, promised)) failures.add(b + ": " + command + "\n  exit 0 but no " + promised +
						" (nor a batch's " + numbered(promised, 0) + ")\n  " + tail(output).replace("\n", "\n  "));
			}
		}
		System.out.printf("ReadmeExamplesIT: %d example lines in %.1f s%n", ran, (System.nanoTime() - start) / 1e9);
		assertTrue(ran >= 10, "runnable example lines: " + ran);
		assertEquals("", String.join("\n", failures));
	}

	/** The files a command line promises: the value of each {@code --output} and {@code --png}. */
	static List<String> promisedFiles(final String command) {
		final List<String> words = Readme.words(command), out = new ArrayList<>();
		for (int i = 0; i + 1 < words.size(); i++)
			if (words.get(i).equals("--output") || words.get(i).equals("--png")) out.add(words.get(i + 1));
		return out;
	}

	/** The file or folder exists (a folder not empty), or a batch wrote it as {@code name-0.ext}. */
	static boolean writtenAs(final Path dir, final String promised) throws IOException {
		final Path p = dir.resolve(promised);
		if (Files.isDirectory(p)) try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
			return entries.iterator().hasNext();
		}
		return Files.isRegularFile(p) && Files.size(p) > 0 || Files.isRegularFile(dir.resolve(numbered(promised, 0)));
	}

	static String numbered(final String file, final int index) {
		final int dot = file.lastIndexOf('.');
		return dot < 0 ? file + "-" + index : file.substring(0, dot) + "-" + index + file.substring(dot);
	}

	/**
	 * What a fresh checkout has after {@code package}: the launchers, examples and macros copied, the packaged jar
	 * and its dependency folder linked (hundreds of MB).
	 */
	static void copyRepository(final Path copy) throws IOException {
		final Path root = Paths.get("").toAbsolutePath();
		for (final String folder : new String[] { "bin", "benchmarks", "examples", "macros" })
			if (Files.isDirectory(root.resolve(folder))) copyTree(root.resolve(folder), copy.resolve(folder));
		final Path target = Files.createDirectories(copy.resolve("target"));
		final Path dependencies = root.resolve("target/dependency");
		assertTrue(Files.isDirectory(dependencies), "run after package: no " + dependencies);
		Files.createSymbolicLink(target.resolve("dependency"), dependencies);
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(root.resolve("target"), "Score_SDE_VE-*.jar")) {
			for (final Path jar : jars)
				Files.createSymbolicLink(target.resolve(jar.getFileName()), jar);
		}
	}

	private static void copyTree(final Path from, final Path to) throws IOException {
		try (Stream<Path> all = Files.walk(from)) {
			for (final Path p : (Iterable<Path>) all::iterator) {
				final Path dest = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(dest);
				else Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
			}
		}
	}

	private static String tail(final String output) {
		final String[] lines = output.split("\r|\n");
		final StringBuilder out = new StringBuilder();
		for (int i = Math.max(0, lines.length - 8); i < lines.length; i++)
			out.append(lines[i].length() > 300 ? lines[i].substring(lines[i].length() - 300) : lines[i]).append('\n');
		return out.toString().trim();
	}
}
