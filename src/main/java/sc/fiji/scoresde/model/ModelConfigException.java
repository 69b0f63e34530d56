package sc.fiji.scoresde.model;

/** A config.json that describes no network we can build: names the file, the key and the value. */
public class ModelConfigException extends Exception {

	private static final long serialVersionUID = 1L;

	public ModelConfigException(final String message) {
		super(message);
	}
}
