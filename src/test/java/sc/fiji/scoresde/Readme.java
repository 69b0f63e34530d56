package sc.fiji.scoresde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads command lines out of README.md and docs/*.md, so that the tests run what the documentation shows and it
 * cannot drift.
 */
public final class Readme {

	/**
	 * The model placeholder of the documentation's Fiji lines (a real hub id; the tests put the test model there).
	 * Read at run time, not inlined as a constant, so that test classes compiled earlier see a changed id.
	 */
	public static final String MODEL = String.valueOf("google/ncsnpp-celebahq-256");
	/** Placeholders the documentation uses and what the tests put there. */
	public static final String FIJI = "/path/to/Fiji.app";
	public static final String IMAGEJ = "/path/to/ImageJ";

	/** The comment before a {@code ```sh} block that the build runs as written. */
	public static final String RUNNABLE = "<!-- runnable -->";
	/** The start of the comment before a {@code ```sh} block that the build only parses: {@code <!-- not run: why -->}. */
	public static final String NOT_RUN = "<!-- not run:";

	private Readme() {}

	/** README.md, then docs/*.md by name: the pages whose examples the tests read. */
	public static List<Path> pages() {
		try (Stream<Path> docs = Files.list(Paths.get("docs"))) {
			final List<Path> out = new ArrayList<>();
			out.add(Paths.get("README.md"));
			out.addAll(docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().collect(Collectors
				.toList()));
			return out;
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static List<String> lines(final Path page) {
		try {
			return Files.readAllLines(page, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The one line of a fenced code block in README.md or docs/*.md that starts with {@code prefix}. */
	public static String line(final String prefix) {
		final List<String> found = new ArrayList<>();
		for (final Block b : blocks())
			for (final String l : b.lines)
				if (l.startsWith(prefix)) found.add(l);
		if (found.size() != 1) throw new IllegalStateException("README.md and docs/*.md have " + found.size() +
			" code lines starting with " + prefix);
		return found.get(0);
	}

	/** The first line of the first fenced code block of README.md after the line that starts with {@code marker}. */
	public static String firstCodeLineAfter(final String marker) {
		boolean seen = false, inCode = false;
		for (final String l : lines(Paths.get("README.md"))) {
			if (!seen) seen = l.startsWith(marker);
			else if (l.startsWith("```")) inCode = true;
			else if (inCode) return l;
		}
		throw new IllegalStateException("README.md has no code block after a line starting with " + marker);
	}

	/** A fenced code block: where it is, its info string, the comment line before it, and its lines. */
	public static final class Block {

		public final Path page;
		/** 1-based line of the opening fence. */
		public final int line;
		public final String info;
		/** The line before the fence when it is an HTML comment, else null. */
		public final String marker;
		public final List<String> lines = new ArrayList<>();

		Block(final Path page, final int line, final String info, final String marker) {
			this.page = page;
			this.line = line;
			this.info = info;
			this.marker = marker;
		}

		public boolean runnable() {
			return RUNNABLE.equals(marker);
		}

		/** The block's commands: continuation lines joined, blank lines and comment lines left out. */
		public List<String> commands() {
			final List<String> out = new ArrayList<>();
			StringBuilder pending = null;
			for (final String l : lines) {
				final String t = l.trim();
				if (pending == null && (t.isEmpty() || t.startsWith("#"))) continue;
				final boolean continues = t.endsWith("\\");
				final String part = continues ? t.substring(0, t.length() - 1).trim() : t;
				pending = pending == null ? new StringBuilder(part) : pending.append(' ').append(part);
				if (!continues) {
					out.add(pending.toString());
					pending = null;
				}
			}
			if (pending != null) out.add(pending.toString());
			return out;
		}

		@Override
		public String toString() {
			return page + ":" + line;
		}
	}

	/** Every fenced code block of README.md and docs/*.md. */
	public static List<Block> blocks() {
		final List<Block> out = new ArrayList<>();
		for (final Path page : pages()) {
			final List<String> lines = lines(page);
			Block open = null;
			String previous = null;
			for (int i = 0; i < lines.size(); i++) {
				final String l = lines.get(i);
				if (l.startsWith("```")) {
					if (open == null) {
						open = new Block(page, i + 1, l.substring(3).trim(), previous != null && previous.startsWith(
							"<!--") ? previous : null);
						out.add(open);
					}
					else open = null;
				}
				else if (open != null) open.lines.add(l);
				if (!l.trim().isEmpty()) previous = l.trim();
			}
		}
		return out;
	}

	/** Splits a shell command line: whitespace separates words, single and double quotes group them. */
	public static List<String> words(final String line) {
		final List<String> out = new ArrayList<>();
		StringBuilder w = null;
		char quote = 0;
		for (final char c : line.toCharArray()) {
			if (quote != 0) {
				if (c == quote) quote = 0;
				else w.append(c);
			}
			else if (c == '\'' || c == '"') {
				quote = c;
				if (w == null) w = new StringBuilder();
			}
			else if (Character.isWhitespace(c)) {
				if (w != null) out.add(w.toString());
				w = null;
			}
			else {
				if (w == null) w = new StringBuilder();
				w.append(c);
			}
		}
		if (w != null) out.add(w.toString());
		return out;
	}
}
