package sc.fiji.scoresde.hub;

import java.io.IOException;

/** A model could not be had from the hub or its cache; the message says which file and what to do. */
public class HubException extends IOException {

	private static final long serialVersionUID = 1L;

	public HubException(final String message) {
		super(message);
	}

	public HubException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
