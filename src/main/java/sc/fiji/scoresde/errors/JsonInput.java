package sc.fiji.scoresde.errors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

/**
 * Reads JSON that comes from the user's files (model configs, checkpoint metadata) so that what goes wrong can be
 * told in a sentence: Gson's own exceptions carry class names ("com.google.gson.stream.MalformedJsonException") and
 * its getters throw ClassCastException or NumberFormatException texts, none of which belongs in front of a user.
 */
public final class JsonInput {

	/**
	 * Longest number text read as a number. Python's json writes at most 24 characters for a float; the bound keeps
	 * a three-megabyte digit string from being parsed (BigDecimal takes minutes on it) or repeated.
	 */
	public static final int MAX_NUMBER_CHARS = 100;

	private JsonInput() {}

	/**
	 * The one JSON object of {@code text}.
	 *
	 * @throws IllegalArgumentException naming {@code source} when the text is not JSON or holds something else
	 */
	public static JsonObject parseObject(final String text, final String source) {
		final JsonElement e;
		try {
			e = JsonParser.parseString(text);
		}
		catch (final JsonParseException | StackOverflowError x) {
			throw new IllegalArgumentException(source + " is not valid JSON (" + syntaxProblem(x) + ")");
		}
		if (!e.isJsonObject()) throw new IllegalArgumentException(source + " holds " + kind(e) +
			", not a JSON object of keys and values");
		return e.getAsJsonObject();
	}

	/** What the parser found wrong, in its words but without its class names and links. */
	static String syntaxProblem(final Throwable x) {
		if (x instanceof StackOverflowError) return "nested too deeply";
		Throwable root = x;
		while (root.getCause() != null && root.getCause() != root)
			root = root.getCause();
		String text = root.getMessage() == null ? "" : root.getMessage();
		final int link = text.indexOf("\nSee ");
		if (link >= 0) text = text.substring(0, link);
		text = text.replace("Use JsonReader.setLenient(true) to accept malformed JSON", "unexpected text");
		text = text.replaceAll("^[a-z]+(\\.[a-zA-Z_$]+)+(Exception|Error): ", "");
		return text.isEmpty() ? "unreadable text" : Echo.of(text.trim());
	}

	/** "a JSON array", "the string 'x'", ... for messages. */
	public static String kind(final JsonElement e) {
		if (e == null || e.isJsonNull()) return "null";
		if (e.isJsonArray()) return "a JSON array";
		if (e.isJsonObject()) return "a JSON object";
		final JsonPrimitive p = e.getAsJsonPrimitive();
		if (p.isBoolean()) return "the boolean " + p.getAsBoolean();
		if (p.isNumber()) return "the number " + Echo.of(p.getAsString());
		return "the string " + Echo.quoted(p.getAsString());
	}

	/** The element as a finite number, or null when it is anything else (text, a list, a 3 MB digit string, 1e999). */
	public static Double finiteNumber(final JsonElement e) {
		if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) return null;
		final String text = e.getAsString();
		if (text.length() > MAX_NUMBER_CHARS) return null;
		try {
			final double v = Double.parseDouble(text);
			return Double.isFinite(v) ? v : null;
		}
		catch (final NumberFormatException x) {
			return null;
		}
	}

	/** The element as an int when it is a number with an integral value in int's range (2 and 2.0), else null. */
	public static Integer integer(final JsonElement e) {
		final Double v = finiteNumber(e);
		if (v == null || v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) return null;
		return v.intValue();
	}

	/** The element as a string when it is a JSON string, else null. */
	public static String string(final JsonElement e) {
		return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
	}
}
