package sc.fiji.scoresde.errors;

import java.io.IOException;

/** A model or tensor file that cannot be read: the message names the file, the entry and what was expected. */
public class ModelFormatException extends IOException {

	private static final long serialVersionUID = 1L;

	public ModelFormatException(final String message) {
		super(message);
	}

	public ModelFormatException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
