package sc.fiji.scoresde.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.scoresde.model.Parameter;

/**
 * The exponential moving average of the weights that the paper samples with (score_sde_pytorch models/ema.py, with
 * use_num_updates): decay_n = min(decay, (1 + n)/(10 + n)), shadow ← shadow − (1 − decay_n)·(shadow − weight).
 */
public final class Ema {

	public final double decay;
	private final Map<String, NDArray> shadow = new LinkedHashMap<>();
	private long updates;

	public Ema(final double decay) {
		if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " +
			decay);
		this.decay = decay;
	}

	/** Starts the average at the current weights (all of them, trained or not). */
	public void start(final Iterable<Parameter> parameters) {
		shadow.clear();
		for (final Parameter p : parameters)
			shadow.put(p.key(), p.get().duplicate());
		updates = 0;
	}

	/** Call after each optimizer update, outside autograd recording; temporaries go to {@code scratch}. */
	public void update(final List<Parameter> trained, final NDManager scratch) {
		updates++;
		final float keep = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
		for (final Parameter p : trained) {
			final NDArray s = shadow.get(p.key());
			s.subi(Adam.temporary(s.sub(p.get()), scratch).muli(1 - keep));
		}
	}

	public Map<String, NDArray> shadow() {
		return shadow;
	}

	public long updates() {
		return updates;
	}

	public void restore(final Map<String, NDArray> values, final long updatesDone) {
		shadow.clear();
		shadow.putAll(values);
		updates = updatesDone;
	}
}
