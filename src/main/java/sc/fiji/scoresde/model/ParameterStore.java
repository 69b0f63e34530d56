package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;

import sc.fiji.scoresde.model.HostTensor;

/**
 * The parameters a network declares while it is built from its config, keyed like the diffusers state dict.
 * Loading checks a state dict against the declarations and reports every missing, unexpected and mis-shaped tensor
 * at once, before any weight is bound.
 */
public final class ParameterStore {

	private final Map<String, Parameter> parameters = new LinkedHashMap<>();

	/** Declares a parameter; the key is the full diffusers state-dict key. */
	Parameter declare(final String key, final long... shape) {
		if (parameters.containsKey(key)) throw new IllegalStateException("parameter declared twice: " + key);
		final Parameter p = new Parameter(key, new Shape(shape));
		parameters.put(key, p);
		return p;
	}

	public Map<String, Parameter> parameters() {
		return Collections.unmodifiableMap(parameters);
	}

	/** The number of scalar weights, as {@code sum(p.numel() for p in model.parameters())} counts them. */
	public long count() {
		long n = 0;
		for (final Parameter p : parameters.values())
			n += p.shape().size();
		return n;
	}

	/**
	 * Checks that the state dict holds exactly the declared tensors with the declared shapes, then copies them as
	 * float32 arrays into {@code manager}. Nothing is bound when any check fails.
	 *
	 * @param warnings receives one line per non-finite weight (NaN or ±Inf), which loads but deserves a warning
	 */
	public void load(final Map<String, HostTensor> stateDict, final NDManager manager, final String source,
		final Consumer<String> warnings) throws WeightsMismatchException
	{
		final List<String> missing = new ArrayList<>();
		final List<String> misShaped = new ArrayList<>();
		for (final Parameter p : parameters.values()) {
			final HostTensor t = stateDict.get(p.key());
			if (t == null) missing.add(p.key() + " " + p.shape());
			else if (!Arrays.equals(t.shape(), p.shape().getShape())) misShaped.add(p.key() + ": file has " + Arrays
				.toString(t.shape()) + ", the config implies " + Arrays.toString(p.shape().getShape()));
			else if (!t.dtype().isFloatingPoint()) misShaped.add(p.key() + ": dtype " + t.dtype() +
				" is not a floating-point type");
		}
		final List<String> unexpected = new ArrayList<>(new TreeSet<>(stateDict.keySet()));
		unexpected.removeAll(parameters.keySet());
		if (!missing.isEmpty() || !misShaped.isEmpty() || !unexpected.isEmpty()) {
			throw new WeightsMismatchException(source, missing, unexpected, misShaped);
		}
		for (final Parameter p : parameters.values()) {
			final float[] values = stateDict.get(p.key()).toFloatArray();
			if (warnings != null) {
				int bad = 0;
				for (final float v : values)
					if (!Float.isFinite(v)) bad++;
				if (bad > 0) warnings.accept(source + ": weight " + p.key() + " has " + bad +
					" non-finite values (NaN or Inf); generated images will be meaningless");
			}
			final NDArray a = manager.create(values, p.shape());
			a.setName(p.key());
			p.bind(a.toType(DataType.FLOAT32, false));
		}
	}
}
