package sc.fiji.scoresde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Reads command lines out of README.md, so that the tests run what the README shows and it cannot drift. */
public final class Readme {

	/** Placeholders the README uses and what the tests put there. */
	public static final String MODEL = "/data/ncsnpp-celebahq-256";
	public static final String FIJI = "/path/to/Fiji.app";
	public static final String IMAGEJ = "/path/to/ImageJ";

	private Readme() {}

	/** The one line of a fenced code block that starts with {@code prefix}. */
	public static String line(final String prefix) throws IOException {
		final List<String> found = new ArrayList<>();
		boolean inCode = false;
		for (final String l : Files.readAllLines(Paths.get("README.md"), StandardCharsets.UTF_8)) {
			if (l.startsWith("```")) inCode = !inCode;
			else if (inCode && l.startsWith(prefix)) found.add(l);
		}
		if (found.size() != 1) throw new IllegalStateException("README.md has " + found.size() +
			" code lines starting with " + prefix);
		return found.get(0);
	}

	/** The first line of the first fenced code block after the line that starts with {@code marker}. */
	public static String firstCodeLineAfter(final String marker) throws IOException {
		boolean seen = false, inCode = false;
		for (final String l : Files.readAllLines(Paths.get("README.md"), StandardCharsets.UTF_8)) {
			if (!seen) seen = l.startsWith(marker);
			else if (l.startsWith("```")) inCode = true;
			else if (inCode) return l;
		}
		throw new IllegalStateException("README.md has no code block after a line starting with " + marker);
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
