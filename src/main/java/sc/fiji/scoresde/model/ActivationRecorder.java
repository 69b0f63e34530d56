package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;

/** Receives named intermediate outputs of a forward pass, named like the fixtures' {@code act.*} keys. */
@FunctionalInterface
public interface ActivationRecorder {

	void record(String name, NDArray value);
}
