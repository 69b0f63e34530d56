package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import java.util.ArrayList;
import java.util.List;

import sc.fiji.scoresde.errors.Echo;

/**
 * The header of a .npy file: the Python dict literal numpy writes, such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (1, 28, 28, 1), }}. numpy evaluates it with
 * {@code ast.literal_eval}; this reads the part of Python's literal syntax such a dict uses (strings in ' or ",
 * True/False, tuples of sizes, trailing commas, white space) and nothing else. Where numpy would take the last of
 * two equal keys, the header is refused instead: a file whose header says two things is not read either way.
 */
final class NpyHeader {

	/** numpy (1.24 and later) refuses longer headers unless told to trust the file */
	static final int MAX_LENGTH = 10_000;
	/** numpy's limit on dimensions (NPY_MAXDIMS before numpy 2.0) */
	static final int MAX_DIMS = 32;
	private static final List<String> KEYS = List.of("descr", "fortran_order", "shape");

	/** the dtype string, such as "<f4" */
	final String descr;
	final boolean fortranOrder;
	final long[] shape;

	private NpyHeader(final String descr, final boolean fortranOrder, final long[] shape) {
		this.descr = descr;
		this.fortranOrder = fortranOrder;
		this.shape = shape;
	}

	/** Reads the header text; {@code file} names the file in messages. */
	static NpyHeader parse(final String text, final String file) throws ModelFormatException {
		if (text.length() > MAX_LENGTH) throw new ModelFormatException(file + ": its .npy header has " + text.length() +
			" characters, more than the " + MAX_LENGTH + " numpy reads; save the array again with numpy.save");
		return new Parser(text, file).header();
	}

	/** One pass over the text; {@code key} is the entry being read, for messages. */
	private static final class Parser {

		private final String text, file;
		private int at;
		private String key;

		Parser(final String text, final String file) {
			this.text = text;
			this.file = file;
		}

		NpyHeader header() throws ModelFormatException {
			final Object[] values = new Object[KEYS.size()];
			skipSpace();
			expect('{', "a dict starting with {");
			skipSpace();
			while (peek() != '}') {
				key = null;
				final String name = string("a key in quotes");
				final int index = KEYS.indexOf(name);
				if (index < 0) throw new ModelFormatException(file + ": the .npy header has the key " + Echo.quoted(name) +
					", which numpy does not write (expected only 'descr', 'fortran_order' and 'shape'); save the array " +
					"again with numpy.save");
				if (values[index] != null) throw new ModelFormatException(file + ": the .npy header has the key '" + name +
					"' twice, so what it says is ambiguous; save the array again with numpy.save");
				key = name;
				skipSpace();
				expect(':', "':' after the key");
				skipSpace();
				values[index] = value();
				skipSpace();
				if (peek() == ',') {
					at++;
					skipSpace();
				}
				else if (peek() != '}') throw unexpected("',' or '}' after the value");
			}
			key = null;
			at++;
			skipSpace();
			if (at < text.length()) throw unexpected("nothing after the closing }");
			for (int i = 0; i < KEYS.size(); i++)
				if (values[i] == null) throw new ModelFormatException(file + ": the .npy header has no '" + KEYS.get(i) +
					"' key (numpy writes 'descr', 'fortran_order' and 'shape'); save the array again with numpy.save");
			if (!(values[0] instanceof String)) throw wrongType("descr", values[0], "a dtype string such as '<f4'");
			if (!(values[1] instanceof Boolean)) throw wrongType("fortran_order", values[1], "True or False");
			if (!(values[2] instanceof long[])) throw wrongType("shape", values[2], "a tuple of sizes such as (28, 28)");
			return new NpyHeader((String) values[0], (Boolean) values[1], (long[]) values[2]);
		}

		private ModelFormatException wrongType(final String name, final Object value, final String expected) {
			final String seen = value instanceof String ? "the string " + Echo.quoted(value) : value instanceof Boolean
				? Boolean.TRUE.equals(value) ? "True" : "False" : "a tuple";
			return new ModelFormatException(file + ": the .npy header's '" + name + "' is " + seen + ", expected " +
				expected);
		}

		/** A string, True, False or a tuple of sizes (a String, Boolean or long[]). */
		private Object value() throws ModelFormatException {
			final char c = peek();
			if (c == '\'' || c == '"') return string("a value");
			if (c == '(') return sizes();
			if (text.startsWith("True", at) && !isNameChar(at + 4)) {
				at += 4;
				return Boolean.TRUE;
			}
			if (text.startsWith("False", at) && !isNameChar(at + 5)) {
				at += 5;
				return Boolean.FALSE;
			}
			throw unexpected("a string, True, False or a tuple");
		}

		private String string(final String what) throws ModelFormatException {
			final char quote = peek();
			if (quote != '\'' && quote != '"') throw unexpected(what);
			final int start = ++at;
			while (at < text.length() && text.charAt(at) != quote) {
				final char c = text.charAt(at);
				if (c == '\\' || c == '\n' || c == '\r') throw unexpected("a plain string (no escapes or line breaks)");
				at++;
			}
			if (at >= text.length()) throw unexpected("the closing " + quote);
			return text.substring(start, at++);
		}

		/** A tuple of non-negative sizes: () or (n,) or (n, m, ...) with an optional trailing comma. */
		private long[] sizes() throws ModelFormatException {
			at++;
			final List<Long> sizes = new ArrayList<>();
			boolean comma = false;
			skipSpace();
			while (peek() != ')') {
				if (sizes.size() == MAX_DIMS) throw new ModelFormatException(file + ": the .npy header's 'shape' has " +
					"more than " + MAX_DIMS + " dimensions");
				sizes.add(size());
				skipSpace();
				comma = peek() == ',';
				if (comma) {
					at++;
					skipSpace();
				}
				else if (peek() != ')') throw unexpected("',' or ')' in the tuple");
			}
			at++;
			// Python reads (5) as the number 5, not a tuple, and numpy then refuses the shape
			if (sizes.size() == 1 && !comma) throw new ModelFormatException(file + ": the .npy header's 'shape' is (" +
				sizes.get(0) + "), a number in parentheses, expected a tuple such as (" + sizes.get(0) + ",)");
			final long[] out = new long[sizes.size()];
			for (int i = 0; i < out.length; i++)
				out[i] = sizes.get(i);
			return out;
		}

		private long size() throws ModelFormatException {
			final int start = at;
			long v = 0;
			while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
				if (v > (Long.MAX_VALUE - 9) / 10) {
					while (at < text.length() && Character.isDigit(text.charAt(at)))
						at++;
					throw new ModelFormatException(file + ": the .npy header's 'shape' has the size " + Echo.of(text
						.substring(start, at)) + ", which is too large");
				}
				v = v * 10 + text.charAt(at++) - '0';
			}
			if (at == start) throw unexpected("a size (a whole number ≥ 0)");
			// numpy under Python 2 wrote sizes as longs (28L); numpy still reads such files
			if (peek() == 'L' || peek() == 'l') at++;
			if (isNameChar(at)) throw unexpected("a size (a whole number ≥ 0)");
			return v;
		}

		private static boolean isSpace(final char c) {
			return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
		}

		private boolean isNameChar(final int i) {
			return i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text
				.charAt(i) == '.');
		}

		private void skipSpace() {
			while (at < text.length() && isSpace(text.charAt(at)))
				at++;
		}

		/** The next character, or 0 at the end (0 is not part of any token here). */
		private char peek() {
			return at < text.length() ? text.charAt(at) : 0;
		}

		private void expect(final char c, final String what) throws ModelFormatException {
			if (peek() != c) throw unexpected(what);
			at++;
		}

		private ModelFormatException unexpected(final String what) {
			final String found = at >= text.length() ? "the end of the header" : Echo.quoted(text.substring(at, Math.min(
				text.length(), at + 20)).stripTrailing());
			return new ModelFormatException(file + ": the .npy header " + (key != null ? "entry '" + key + "' " : "") +
				"is not what numpy writes: expected " + what + " at character " + (at + 1) + ", found " + found);
		}
	}
}
