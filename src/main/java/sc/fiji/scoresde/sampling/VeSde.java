package sc.fiji.scoresde.sampling;

/**
 * The variance-exploding SDE of Song et al. (sde_lib.VESDE): dx = √(dσ²/dt) dw with σ(t) = σmin·(σmax/σmin)^t,
 * t ∈ [ε, 1], so g(t)² = 2σ(t)²·ln(σmax/σmin).
 */
public final class VeSde {

	public final double sigmaMin;
	public final double sigmaMax;
	public final double eps;

	public VeSde(final double sigmaMin, final double sigmaMax, final double eps) {
		if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) throw new IllegalArgumentException("need 0 < sigma_min < " +
			"sigma_max, got " + sigmaMin + ", " + sigmaMax);
		this.sigmaMin = sigmaMin;
		this.sigmaMax = sigmaMax;
		this.eps = eps;
	}

	public static VeSde of(final SchedulerConfig c) {
		return new VeSde(c.sigmaMin, c.sigmaMax, c.samplingEps);
	}

	public double sigma(final double t) {
		return sigmaMin * Math.pow(sigmaMax / sigmaMin, t);
	}

	/** g(t)² = dσ²/dt */
	public double g2(final double t) {
		final double s = sigma(t);
		return 2 * s * s * Math.log(sigmaMax / sigmaMin);
	}

	/** The paper's discrete σ ladder exp(linspace(ln σmin, ln σmax, N)) (VESDE.discrete_sigmas), in double. */
	public double[] discreteSigmas(final int n) {
		final double[] out = new double[n];
		for (int i = 0; i < n; i++) {
			final double f = n == 1 ? 0 : i / (double) (n - 1);
			out[i] = Math.exp(Math.log(sigmaMin) + f * (Math.log(sigmaMax) - Math.log(sigmaMin)));
		}
		return out;
	}
}
