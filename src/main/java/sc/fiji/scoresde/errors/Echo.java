package sc.fiji.scoresde.errors;

/**
 * Cuts what a message repeats of the user's input: a number with three million digits or a tensor name of 90 MB
 * must not become a 90 MB error line in Fiji's log or on a terminal.
 */
public final class Echo {

	/** Longest stretch of the input an error message repeats. */
	public static final int MAX_CHARS = 200;

	private Echo() {}

	/** The text itself when short, else its first {@link #MAX_CHARS} characters and how long it really was. */
	public static String of(final Object value) {
		final String text = String.valueOf(value);
		if (text.length() <= MAX_CHARS) return text;
		return text.substring(0, MAX_CHARS) + "… (" + text.length() + " characters)";
	}

	/** {@link #of} in single quotes, as messages quote names and values. */
	public static String quoted(final Object value) {
		return "'" + of(value) + "'";
	}
}
