package sc.fiji.scoresde.fiji;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What each ImageJ 1 dialog of this plugin was last answered, so that it opens with those values next time (this
 * session only; nothing goes to IJ_Prefs.txt). One options object per dialog, keyed by the dialog's title. Seeds that
 * mean "pick one" are not offered again: those fields always open at −1.
 */
final class LastValues {

	private static final Map<String, Object> LAST = new HashMap<>();

	private LastValues() {}

	/** The dialog's last answers, or {@code fresh} (the defaults) the first time. */
	static synchronized <T> T of(final String dialog, final Class<T> type, final Supplier<T> fresh) {
		final Object last = LAST.get(dialog);
		return type.isInstance(last) ? type.cast(last) : fresh.get();
	}

	static synchronized void remember(final String dialog, final Object answers) {
		LAST.put(dialog, answers);
	}
}
