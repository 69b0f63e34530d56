package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The deterministic second-order sampler of Karras et al. (2022, Algorithm 2) for the VE parametrisation, with their
 * σ schedule σᵢ = (σmax^(1/ρ) + i/(N−1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ, σ_N = 0, and optional stochastic churn:
 * d = −σ·s(x, σ) (since the denoiser is x + σ²·s), Euler step, Heun correction except into σ = 0. 2N − 1 calls.
 */
public final class HeunSampler implements Sampler {

	private final VeSde sde;
	private final int steps;
	private final double rho;
	private final double churn;
	private final double churnMin;
	private final double churnMax;
	private final double churnNoise;

	public HeunSampler(final VeSde sde, final int steps, final double rho, final double churn) {
		this(sde, steps, rho, churn, 0, Double.POSITIVE_INFINITY, 1);
	}

	public HeunSampler(final VeSde sde, final int steps, final double rho, final double churn, final double churnMin,
		final double churnMax, final double churnNoise)
	{
		if (steps < 1) throw new IllegalArgumentException("number of steps must be ≥ 1, got " + steps);
		if (!(churn >= 0)) throw new IllegalArgumentException("churn must be ≥ 0, got " + churn);
		this.sde = sde;
		this.steps = steps;
		this.rho = rho;
		this.churn = churn;
		this.churnMin = churnMin;
		this.churnMax = churnMax;
		this.churnNoise = churnNoise;
	}

	@Override
	public String name() {
		return "heun";
	}

	@Override
	public int plannedCalls() {
		return 2 * steps - 1;
	}

	/** σ_0 … σ_N of the Karras schedule (σ_N = 0). */
	public double[] sigmas() {
		final double[] s = new double[steps + 1];
		final double hi = Math.pow(sde.sigmaMax, 1 / rho);
		final double lo = Math.pow(sde.sigmaMin, 1 / rho);
		for (int i = 0; i < steps; i++)
			s[i] = Math.pow(hi + (steps == 1 ? 0 : i / (double) (steps - 1)) * (lo - hi), rho);
		s[steps] = 0;
		return s;
	}

	@Override
	public NDArray sample(final ScoreModel model, final NDManager manager, final Shape shape, final NoiseSource noise,
		final SamplingControl control, final Conditioning conditioning)
	{
		final boolean plain = conditioning.isNone();
		if (conditioning.resamplings() > 0) throw new IllegalArgumentException("resampling is done by the pc " +
			"sampler only, not by heun");
		control.expect(plannedCalls());
		final double[] sigma = sigmas();
		NDArray x;
		try (NDManager first = manager.newSubManager()) {
			x = noise.normal(first, shape).mul((float) sigma[0]);
			if (!plain) x = conditioning.begin(manager, x, sigma[0]);
			x.attach(manager);
		}
		final double gammaMax = Math.min(churn / steps, Math.sqrt(2) - 1);
		for (int i = 0; i < steps; i++) {
			try (NDManager step = manager.newSubManager()) {
				x.attach(step);
				final double gamma = churn > 0 && sigma[i] >= churnMin && sigma[i] <= churnMax ? gammaMax : 0;
				final double hat = sigma[i] * (1 + gamma);
				NDArray xHat = x;
				if (gamma > 0) xHat = x.add(noise.normal(x.getManager(), shape).mul((float) (churnNoise * Math.sqrt(hat *
					hat - sigma[i] * sigma[i]))));
				if (!plain && gamma > 0) xHat = conditioning.projectFixed(xHat, hat);
				final NDArray d = control.call(model, xHat, (float) hat).mul((float) -hat);
				final double dt = sigma[i + 1] - hat;
				NDArray next = xHat.add(d.mul((float) dt));
				if (sigma[i + 1] > 0) {
					final NDArray d2 = control.call(model, next, (float) sigma[i + 1]).mul((float) -sigma[i + 1]);
					next = xHat.add(d.add(d2).mul((float) (dt / 2)));
				}
				// the known part follows its own forward path with the run's fixed noise, as the ODE it integrates
				x = plain ? next : conditioning.projectFixed(next, sigma[i + 1]);
				x.attach(manager);
			}
		}
		if (plain) return x;
		return Conditioning.finishInto(manager, conditioning, x);
	}
}
