package sc.fiji.scoresde.model;

import java.util.List;

/** The weights do not fit the architecture of the config: lists every missing, unexpected and mis-shaped tensor. */
public class WeightsMismatchException extends Exception {

	private static final long serialVersionUID = 1L;

	private final List<String> missing;
	private final List<String> unexpected;
	private final List<String> misShaped;

	public WeightsMismatchException(final String source, final List<String> missing, final List<String> unexpected,
		final List<String> misShaped)
	{
		super(message(source, missing, unexpected, misShaped));
		this.missing = List.copyOf(missing);
		this.unexpected = List.copyOf(unexpected);
		this.misShaped = List.copyOf(misShaped);
	}

	public List<String> missing() {
		return missing;
	}

	public List<String> unexpected() {
		return unexpected;
	}

	public List<String> misShaped() {
		return misShaped;
	}

	private static String message(final String source, final List<String> missing, final List<String> unexpected,
		final List<String> misShaped)
	{
		final StringBuilder sb = new StringBuilder(source).append(": weights do not match the model config (")
			.append(missing.size()).append(" missing, ").append(unexpected.size()).append(" unexpected, ").append(
				misShaped.size()).append(" mis-shaped)");
		append(sb, "missing", missing);
		append(sb, "unexpected", unexpected);
		append(sb, "mis-shaped", misShaped);
		return sb.toString();
	}

	private static void append(final StringBuilder sb, final String what, final List<String> items) {
		if (items.isEmpty()) return;
		sb.append("\n  ").append(what).append(':');
		final int shown = Math.min(items.size(), 50);
		for (int i = 0; i < shown; i++)
			sb.append("\n    ").append(items.get(i));
		if (items.size() > shown) sb.append("\n    … and ").append(items.size() - shown).append(" more");
	}
}
