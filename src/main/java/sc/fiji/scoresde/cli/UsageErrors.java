package sc.fiji.scoresde.cli;

import java.util.Collection;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * The sentence for what picocli refuses (a usage error, exit 2), with a suggestion for a mistyped option or command.
 * The core's own checks throw {@link InvalidOptionException} themselves.
 */
final class UsageErrors {

	/** A name is suggested when at most one edit per this many characters of the word (at least one) makes it. */
	private static final int CHARACTERS_PER_EDIT = 3;

	private UsageErrors() {}

	/** What picocli refused, as one sentence: "unknown option '--step' (did you mean --steps?)". */
	static String sentence(final ParameterException e) {
		final CommandLine command = e.getCommandLine();
		// a mistyped required option (--image for --images) is reported as missing; the mistyped word is the news
		final List<String> unmatched = e instanceof UnmatchedArgumentException ? ((UnmatchedArgumentException) e)
			.getUnmatched() : command.getUnmatchedArguments();
		if (unmatched.isEmpty()) return Main.oneLine(e);
		final String word = unmatched.get(0);
		final boolean option = word.startsWith("-");
		final boolean subcommand = !option && !command.getSubcommands().isEmpty();
		final String nearest = option ? nearest(word.split("=", 2)[0], command.getCommandSpec().optionsMap()
			.keySet()) : subcommand ? nearest(word, command.getSubcommands().keySet()) : null;
		return Main.oneLine(new InvalidOptionException((option ? "unknown option " : subcommand ? "unknown command "
			: "unexpected argument ") + Echo.quoted(word) + (nearest == null ? "" : " (did you mean " + nearest +
				"?)")));
	}

	/**
	 * The name closest to the word in edits, when close enough to be a typo; null when none is. (picocli's own
	 * suggestions always name something: 'frobnicate' would get "interpolate".)
	 */
	static String nearest(final String word, final Collection<String> names) {
		String best = null;
		// fewer edits than half the word: '-x' is no typo of '-h'
		int bestDistance = Math.min(Math.max(1, word.length() / CHARACTERS_PER_EDIT), (word.length() - 1) / 2) + 1;
		for (final String name : names) {
			final int d = distance(word, name);
			if (d < bestDistance) {
				best = name;
				bestDistance = d;
			}
		}
		return best;
	}

	/** Edits (insert, delete, replace, swap two neighbours) from a to b: the optimal string alignment distance. */
	static int distance(final String a, final String b) {
		final int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++)
			d[i][0] = i;
		for (int j = 0; j <= b.length(); j++)
			d[0][j] = j;
		for (int i = 1; i <= a.length(); i++)
			for (int j = 1; j <= b.length(); j++) {
				final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
			}
		return d[a.length()][b.length()];
	}
}
