package sc.fiji.scoresde.errors;

/**
 * An option the user gave (on the command line, in a dialog or a macro) is outside its allowed values. Front ends
 * treat it as a usage error (the CLI exits with 2), unlike a run that failed.
 */
public class InvalidOptionException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	public InvalidOptionException(final String message) {
		super(message);
	}
}
