package sc.fiji.scoresde.cli;

import java.util.function.Supplier;

import sc.fiji.scoresde.errors.InvalidOptionException;

/**
 * The core's checks of values that on the command line are options only ({@code request.validate()},
 * {@code DeviceChoice.parse}): whatever they refuse is a usage error here (exit 2), whichever exception they use.
 */
final class UsageErrors {

	private UsageErrors() {}

	/** Runs a check of option values; its IllegalArgumentException becomes an InvalidOptionException. */
	static void check(final Runnable check) {
		parse(() -> {
			check.run();
			return null;
		});
	}

	/** Parses an option value; its IllegalArgumentException becomes an InvalidOptionException. */
	static <T> T parse(final Supplier<T> parse) {
		try {
			return parse.get();
		}
		catch (final InvalidOptionException e) {
			throw e;
		}
		catch (final NumberFormatException e) {
			// its text ("For input string: ...") is not written for users; no option check should let one out
			throw new InvalidOptionException("an option value is not a number");
		}
		catch (final IllegalArgumentException e) {
			throw new InvalidOptionException(e.getMessage());
		}
	}
}
