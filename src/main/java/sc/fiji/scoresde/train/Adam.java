package sc.fiji.scoresde.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sc.fiji.scoresde.model.Parameter;

/**
 * Adam as score_sde_pytorch's optimization_manager drives it: a linear learning-rate warm-up, gradients clipped to
 * a global L2 norm (torch.nn.utils.clip_grad_norm_), then torch.optim.Adam's update with bias correction. Written
 * here rather than taken from DJL because DJL's optimizers keep their moments private, and a resumable checkpoint
 * must save them.
 */
public final class Adam {

	public final double learningRate;
	public final double beta1;
	public final double beta2;
	public final double epsilon;
	public final int warmup;
	/** the largest global gradient norm; negative: no clipping */
	public final double gradClip;
	/** the update at which a cosine decay after the warm-up reaches rate 0; 0: the rate stays constant */
	public final long decayEnd;

	private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
	private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
	/** updates done so far */
	private long updates;

	public Adam(final double learningRate, final int warmup, final double gradClip) {
		this(learningRate, warmup, gradClip, 0);
	}

	public Adam(final double learningRate, final int warmup, final double gradClip, final long decayEnd) {
		this(learningRate, 0.9, 0.999, 1e-8, warmup, gradClip, decayEnd);
	}

	public Adam(final double learningRate, final double beta1, final double beta2, final double epsilon,
		final int warmup, final double gradClip, final long decayEnd)
	{
		this.learningRate = learningRate;
		this.beta1 = beta1;
		this.beta2 = beta2;
		this.epsilon = epsilon;
		this.warmup = warmup;
		this.gradClip = gradClip;
		this.decayEnd = decayEnd;
	}

	/**
	 * The learning rate of update number {@code step} (counted from 0). As in score_sde_pytorch, lr·min(step/warmup,
	 * 1): the very first update has rate 0 and only fills the moments. With a {@link #decayEnd} (not in
	 * score_sde_pytorch, which keeps the rate constant for its 1.3 M steps) the rate then falls as half a cosine,
	 * lr·(1 + cos(π·(step − warmup)/(decayEnd − warmup)))/2, to 0 at decayEnd and after it.
	 */
	public double learningRate(final long step) {
		final double rate = warmup > 0 ? learningRate * Math.min((double) step / warmup, 1.0) : learningRate;
		if (decayEnd <= warmup || step <= warmup) return rate;
		final double done = Math.min(1.0, (double) (step - warmup) / (decayEnd - warmup));
		return rate * 0.5 * (1 + Math.cos(Math.PI * done));
	}

	public long updates() {
		return updates;
	}

	/**
	 * Updates the weights in place from their gradients. Must run outside autograd recording (in-place changes of
	 * leaves that require gradients are refused otherwise); {@link Trainer} switches grad mode off around it.
	 *
	 * @param scratch manager for temporaries (closed by the caller)
	 * @return the global gradient norm before clipping
	 */
	public double update(final List<Parameter> parameters, final Map<String, NDArray> gradients,
		final NDManager scratch)
	{
		return update(parameters, gradients, globalNorm(parameters, gradients), scratch);
	}

	/** As {@link #update(List, Map, NDManager)}, with the global gradient norm already measured. */
	public double update(final List<Parameter> parameters, final Map<String, NDArray> gradients, final double norm,
		final NDManager scratch)
	{
		if (!Double.isFinite(norm)) throw new IllegalStateException("the gradient norm is " + norm + " at update " +
			updates + " (the loss diverged; lower the learning rate)");
		final double clipScale = gradClip >= 0 && norm > gradClip ? gradClip / (norm + 1e-6) : 1;
		final double lr = learningRate(updates);
		final long t = updates + 1;
		final double correction1 = 1 - Math.pow(beta1, t);
		final double correction2 = 1 - Math.pow(beta2, t);
		final float stepSize = (float) (lr / correction1);
		final float rootCorrection2 = (float) Math.sqrt(correction2);
		for (final Parameter p : parameters) {
			final NDArray w = p.get();
			// a result belongs to its first operand's manager: every temporary is moved to scratch, or the moments'
			// manager (the model's) would keep one per parameter and step
			NDArray g = gradients.get(p.key());
			if (clipScale != 1) g = temporary(g.mul((float) clipScale), scratch);
			final NDArray m = firstMoments.computeIfAbsent(p.key(), k -> zerosFor(w));
			final NDArray v = secondMoments.computeIfAbsent(p.key(), k -> zerosFor(w));
			m.muli((float) beta1).addi(temporary(g.mul((float) (1 - beta1)), scratch));
			v.muli((float) beta2).addi(temporary(g.square(), scratch).muli((float) (1 - beta2)));
			if (stepSize != 0) {
				final NDArray denominator = temporary(v.sqrt(), scratch).divi(rootCorrection2).addi((float) epsilon);
				w.subi(temporary(m.div(denominator), scratch).muli(stepSize));
			}
		}
		updates = t;
		return norm;
	}

	/** The L2 norm of all gradients together (what clip_grad_norm_ clips). */
	public static double globalNorm(final List<Parameter> parameters, final Map<String, NDArray> gradients) {
		double squares = 0;
		for (final Parameter p : parameters)
			squares += gradients.get(p.key()).square().sum().getFloat();
		return Math.sqrt(squares);
	}

	static NDArray temporary(final NDArray a, final NDManager scratch) {
		a.attach(scratch);
		return a;
	}

	private static NDArray zerosFor(final NDArray w) {
		final NDArray z = w.getManager().zeros(w.getShape(), w.getDataType(), w.getDevice());
		return z;
	}

	/** The moments by parameter key, for a checkpoint. */
	public Map<String, NDArray> firstMoments() {
		return firstMoments;
	}

	public Map<String, NDArray> secondMoments() {
		return secondMoments;
	}

	/** Restores the state of a checkpoint; the arrays must live as long as the weights. */
	public void restore(final Map<String, NDArray> first, final Map<String, NDArray> second, final long updatesDone) {
		firstMoments.clear();
		firstMoments.putAll(first);
		secondMoments.clear();
		secondMoments.putAll(second);
		this.updates = updatesDone;
	}
}
