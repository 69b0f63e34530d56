package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** One named weight of the network, declared with its diffusers state-dict key and shape; bound when loaded. */
public final class Parameter {

	private final String key;
	private final Shape shape;
	private NDArray value;

	Parameter(final String key, final Shape shape) {
		this.key = key;
		this.shape = shape;
	}

	public String key() {
		return key;
	}

	public Shape shape() {
		return shape;
	}

	/** The bound weight; fails clearly when the model was built from a config alone. */
	public NDArray get() {
		if (value == null) throw new IllegalStateException("parameter " + key +
			" has no weights (the model was built from its config only)");
		return value;
	}

	void bind(final NDArray v) {
		this.value = v;
	}
}
