package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The paper's probability-flow ODE sampler: dx/dt = −½·g(t)²·s(x, σ(t)) integrated from t = 1 to ε with an adaptive
 * Runge–Kutta 4(5) (Dormand–Prince, the method of scipy's RK45 that the paper's code calls, with its error norm over
 * the whole batch and its initial-step rule), then one denoising step x + σ(ε)²·s(x, σ(ε)).
 */
public final class ProbabilityFlowOdeSampler implements Sampler {

	// the Dormand–Prince tableau, shared with the general solver
	private static final double[] C = Rk45.C, B = Rk45.B, E = Rk45.E;
	private static final double[][] A = Rk45.A;

	private final VeSde sde;
	private final double rtol;
	private final double atol;
	private final boolean denoise;
	private final int maxCalls;

	public ProbabilityFlowOdeSampler(final VeSde sde, final double rtol, final double atol, final boolean denoise,
		final int maxCalls)
	{
		if (!(rtol > 0 && atol > 0)) throw new IllegalArgumentException("rtol and atol must be > 0");
		this.sde = sde;
		this.rtol = rtol;
		this.atol = atol;
		this.denoise = denoise;
		this.maxCalls = maxCalls;
	}

	@Override
	public String name() {
		return "ode";
	}

	@Override
	public int plannedCalls() {
		return -1;
	}

	/** dx/dτ for τ = 1 − t: +½·g(t)²·s(x, σ(t)). */
	private NDArray f(final ScoreModel model, final SamplingControl control, final double tau, final NDArray x) {
		final double t = 1 - tau;
		if (control.calls() >= maxCalls) throw new IllegalStateException("the ODE solver needed more than " +
			maxCalls + " network calls (rtol " + rtol + ", atol " + atol + "); loosen the tolerance");
		return control.call(model, x, (float) sde.sigma(t)).mul((float) (0.5 * sde.g2(t)));
	}

	/** RMS over all elements of e / (atol + rtol·max(|a|, |b|)). */
	private double norm(final NDArray e, final NDArray a, final NDArray b) {
		final NDArray scale = a.abs().maximum(b.abs()).mul((float) rtol).add((float) atol);
		final double sumSq = e.div(scale).square().sum().getFloat();
		return Math.sqrt(sumSq / e.getShape().size());
	}

	@Override
	public NDArray sample(final ScoreModel model, final NDManager manager, final Shape shape, final NoiseSource noise,
		final SamplingControl control, final Conditioning conditioning)
	{
		final boolean plain = conditioning.isNone();
		if (conditioning.resamplings() > 0) throw new IllegalArgumentException("resampling is done by the pc " +
			"sampler only, not by ode");
		control.expect(-1);
		final double end = 1 - sde.eps;
		NDArray y;
		NDArray fy;
		double h;
		try (NDManager first = manager.newSubManager()) {
			y = noise.normal(first, shape).mul((float) sde.sigmaMax);
			if (!plain) y = conditioning.projectFixed(conditioning.begin(manager, y, sde.sigmaMax), sde.sigmaMax);
			fy = f(model, control, 0, y);
			// scipy's select_initial_step
			final NDArray scale = y.abs().mul((float) rtol).add((float) atol);
			final double d0 = rms(y.div(scale));
			final double d1 = rms(fy.div(scale));
			final double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
			final NDArray y1 = y.add(fy.mul((float) h0));
			final NDArray f1 = f(model, control, h0, y1);
			final double d2 = rms(f1.sub(fy).div(scale)) / h0;
			final double h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2),
				1 / 5.0);
			h = Math.min(Math.min(100 * h0, h1), end);
			y.attach(manager);
			fy.attach(manager);
		}
		double tau = 0;
		while (tau < end) {
			h = Math.min(h, end - tau);
			try (NDManager step = manager.newSubManager()) {
				y.attach(step);
				fy.attach(step);
				boolean accepted = false;
				while (!accepted) {
					final NDArray[] k = new NDArray[7];
					k[0] = fy;
					for (int s = 1; s < 6; s++) {
						NDArray yi = y;
						for (int j = 0; j < s; j++)
							if (A[s][j] != 0) yi = yi.add(k[j].mul((float) (h * A[s][j])));
						// under a conditioning every stage sees the known part on its own smooth forward path
						if (!plain) yi = conditioning.projectFixed(yi, sde.sigma(1 - (tau + C[s] * h)));
						k[s] = f(model, control, tau + C[s] * h, yi);
					}
					NDArray yNew = y;
					for (int s = 0; s < 6; s++)
						if (B[s] != 0) yNew = yNew.add(k[s].mul((float) (h * B[s])));
					if (!plain) yNew = conditioning.projectFixed(yNew, sde.sigma(1 - (tau + h)));
					k[6] = f(model, control, tau + h, yNew);
					NDArray err = k[0].mul((float) (h * E[0]));
					for (int s = 1; s < 7; s++)
						if (E[s] != 0) err = err.add(k[s].mul((float) (h * E[s])));
					final double errorNorm = norm(err, y, yNew);
					if (errorNorm <= 1) {
						accepted = true;
						// a step cut to the end lands on it exactly: τ + (end − τ) can round short of end and cost a
						// needless tiny step of 7 calls
						tau = h >= end - tau ? end : tau + h;
						y = yNew;
						fy = k[6];
						// t is linear in log σ, so τ/(1 − ε) is the share of the log-σ range covered
						control.reached(sde.sigma(1 - tau), tau / end);
						h *= errorNorm == 0 ? 10 : Math.min(10, 0.9 * Math.pow(errorNorm, -0.2));
					}
					else {
						h *= Math.max(0.2, 0.9 * Math.pow(errorNorm, -0.2));
						// only a rejected step can underflow: an accepted one may be tiny because it was cut to reach
						// the end exactly (as scipy's t_bound clamp), which is not a failure
						if (h < 1e-12) throw new IllegalStateException("the ODE step size underflowed at t = " + (1 -
							tau));
					}
				}
				y.attach(manager);
				fy.attach(manager);
			}
		}
		fy.close();
		if (!denoise) {
			if (plain) return y;
			return Conditioning.finishInto(manager, conditioning, y);
		}
		try (NDManager last = manager.newSubManager()) {
			y.attach(last);
			final float sigma = (float) sde.sigma(sde.eps);
			NDArray out = y.add(control.call(model, y, sigma).mul(sigma * sigma));
			if (!plain) out = conditioning.finish(out);
			out.attach(manager);
			return out;
		}
	}

	private static double rms(final NDArray a) {
		return Math.sqrt(a.square().sum().getFloat() / a.getShape().size());
	}
}
