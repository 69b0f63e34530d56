package sc.fiji.scoresde.sampling;

/**
 * An adaptive explicit Runge–Kutta 4(5) solver for y' = f(t, y) on a flat double state, with the arithmetic of
 * scipy's {@code solve_ivp(method='RK45')} that score_sde's likelihood.py calls: Dormand–Prince tableau, error norm
 * RMS(err / (atol + rtol·max(|y|, |y_new|))), scipy's initial-step rule, safety 0.9, step factors in [0.2, 10] and no
 * growth right after a rejected step. Either direction of time. The state is double, as scipy's (the network sees
 * float32 copies).
 */
public final class Rk45 {

	/** The right-hand side; it must not keep or change {@code y}. */
	@FunctionalInterface
	public interface System {

		double[] derivative(double t, double[] y);
	}

	/** Called after every accepted step with the time reached. */
	@FunctionalInterface
	public interface StepListener {

		void stepAccepted(double t, int evaluations);
	}

	/** The state at the end of the interval and what it cost. */
	public static final class Solution {

		public final double[] y;
		public final int evaluations;
		public final int accepted;
		public final int rejected;

		Solution(final double[] y, final int evaluations, final int accepted, final int rejected) {
			this.y = y;
			this.evaluations = evaluations;
			this.accepted = accepted;
			this.rejected = rejected;
		}
	}

	static final double[] C = { 0, 1 / 5.0, 3 / 10.0, 4 / 5.0, 8 / 9.0, 1 };
	static final double[][] A = { {}, { 1 / 5.0 }, { 3 / 40.0, 9 / 40.0 }, { 44 / 45.0, -56 / 15.0, 32 / 9.0 }, {
		19372 / 6561.0, -25360 / 2187.0, 64448 / 6561.0, -212 / 729.0 }, { 9017 / 3168.0, -355 / 33.0, 46732 / 5247.0,
			49 / 176.0, -5103 / 18656.0 } };
	static final double[] B = { 35 / 384.0, 0, 500 / 1113.0, 125 / 192.0, -2187 / 6784.0, 11 / 84.0 };
	static final double[] E = { -71 / 57600.0, 0, 71 / 16695.0, -71 / 1920.0, 17253 / 339200.0, -22 / 525.0, 1 /
		40.0 };

	private static final double SAFETY = 0.9, MIN_FACTOR = 0.2, MAX_FACTOR = 10;

	private final double rtol, atol;
	private final int maxEvaluations;

	public Rk45(final double rtol, final double atol, final int maxEvaluations) {
		if (!(rtol > 0 && atol > 0 && Double.isFinite(rtol) && Double.isFinite(atol))) throw new IllegalArgumentException(
			"rtol and atol must be finite and > 0, not " + rtol + ", " + atol);
		if (maxEvaluations < 8) throw new IllegalArgumentException("at least 8 evaluations are needed for one step");
		this.rtol = rtol;
		this.atol = atol;
		this.maxEvaluations = maxEvaluations;
	}

	public Solution solve(final System f, final double[] y0, final double t0, final double t1,
		final StepListener listener)
	{
		if (!(Double.isFinite(t0) && Double.isFinite(t1)) || t0 == t1) throw new IllegalArgumentException("the " +
			"interval [" + t0 + ", " + t1 + "] is empty or not finite");
		final double direction = Math.signum(t1 - t0);
		final int[] evaluations = { 0 };
		final System counted = (t, y) -> {
			if (evaluations[0] >= maxEvaluations) throw new IllegalStateException("the ODE solver needed more than " +
				maxEvaluations + " evaluations (rtol " + rtol + ", atol " + atol + "); loosen the tolerance");
			evaluations[0]++;
			final double[] d = f.derivative(t, y);
			if (d.length != y.length) throw new IllegalStateException("the derivative has " + d.length + " entries, " +
				"the state " + y.length);
			return d;
		};
		double[] y = y0.clone();
		double[] fy = counted.derivative(t0, y);
		double h = initialStep(counted, t0, y, fy, direction, Math.abs(t1 - t0));
		double t = t0;
		int accepted = 0, rejected = 0;
		final int n = y.length;
		final double[][] k = new double[7][];
		final double[] yi = new double[n], err = new double[n];
		while (direction * (t1 - t) > 0) {
			boolean stepRejected = false;
			while (true) {
				h = Math.min(h, Math.abs(t1 - t));
				final double step = direction * h;
				final double tNew = h >= Math.abs(t1 - t) ? t1 : t + step;
				k[0] = fy;
				for (int s = 1; s < 6; s++) {
					for (int i = 0; i < n; i++) {
						double v = y[i];
						for (int j = 0; j < s; j++)
							if (A[s][j] != 0) v += step * A[s][j] * k[j][i];
						yi[i] = v;
					}
					k[s] = counted.derivative(t + C[s] * step, yi.clone());
				}
				final double[] yNew = new double[n];
				for (int i = 0; i < n; i++) {
					double v = y[i];
					for (int s = 0; s < 6; s++)
						if (B[s] != 0) v += step * B[s] * k[s][i];
					yNew[i] = v;
				}
				k[6] = counted.derivative(tNew, yNew);
				double sum = 0;
				for (int i = 0; i < n; i++) {
					double e = 0;
					for (int s = 0; s < 7; s++)
						if (E[s] != 0) e += step * E[s] * k[s][i];
					err[i] = e;
					final double scale = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
					sum += (e / scale) * (e / scale);
				}
				final double norm = Math.sqrt(sum / n);
				if (!Double.isFinite(norm)) throw new IllegalStateException("the ODE state became non-finite at t = " +
					tNew);
				if (norm < 1) {
					double factor = norm == 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * Math.pow(norm, -0.2));
					if (stepRejected) factor = Math.min(1, factor);
					h *= factor;
					t = tNew;
					y = yNew;
					fy = k[6];
					accepted++;
					if (listener != null) listener.stepAccepted(t, evaluations[0]);
					break;
				}
				h *= Math.max(MIN_FACTOR, SAFETY * Math.pow(norm, -0.2));
				stepRejected = true;
				rejected++;
				if (h < 10 * Math.ulp(t)) throw new IllegalStateException("the ODE step size " +
					"underflowed at t = " + t);
			}
		}
		return new Solution(y, evaluations[0], accepted, rejected);
	}

	/** scipy's select_initial_step for an explicit method of order 4 (error exponent 1/5). */
	private double initialStep(final System f, final double t0, final double[] y0, final double[] f0,
		final double direction, final double interval)
	{
		final int n = y0.length;
		double d0 = 0, d1 = 0;
		final double[] scale = new double[n];
		for (int i = 0; i < n; i++) {
			scale[i] = atol + Math.abs(y0[i]) * rtol;
			d0 += Math.pow(y0[i] / scale[i], 2);
			d1 += Math.pow(f0[i] / scale[i], 2);
		}
		d0 = Math.sqrt(d0 / n);
		d1 = Math.sqrt(d1 / n);
		final double h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1, interval);
		final double[] y1 = new double[n];
		for (int i = 0; i < n; i++)
			y1[i] = y0[i] + h0 * direction * f0[i];
		final double[] f1 = f.derivative(t0 + h0 * direction, y1);
		double d2 = 0;
		for (int i = 0; i < n; i++)
			d2 += Math.pow((f1[i] - f0[i]) / scale[i], 2);
		d2 = Math.sqrt(d2 / n) / h0;
		final double h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2),
			1 / 5.0);
		return Math.min(Math.min(100 * h0, h1), interval);
	}
}
