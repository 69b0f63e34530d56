package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;

/**
 * diffusers {@code ScoreSdeVeScheduler} (schedulers/scheduling_sde_ve.py) with its float32 arithmetic: the
 * continuous timesteps and σ tables, the reverse-diffusion predictor and the Langevin corrector. Like the reference
 * it is stateful: {@link #setSigmas} uses whatever timesteps were set last.
 */
public final class ScoreSdeVeScheduler {

	private final SchedulerConfig config;
	private float[] timesteps;
	private float[] sigmas;
	private float[] discreteSigmas;

	/** The predictor's result: the next sample and its noise-free mean. */
	public static final class PredictorOutput {

		public final NDArray prevSample;
		public final NDArray prevSampleMean;

		PredictorOutput(final NDArray prevSample, final NDArray prevSampleMean) {
			this.prevSample = prevSample;
			this.prevSampleMean = prevSampleMean;
		}
	}

	public ScoreSdeVeScheduler(final SchedulerConfig config) {
		config.validate("scheduler config");
		this.config = config.copy();
		// as __init__: set_sigmas(num_train_timesteps), which sets timesteps for that count first
		setSigmas(config.numTrainTimesteps);
	}

	public SchedulerConfig config() {
		return config.copy();
	}

	/** init_noise_sigma */
	public float initNoiseSigma() {
		return (float) config.sigmaMax;
	}

	public void setTimesteps(final int numInferenceSteps) {
		setTimesteps(numInferenceSteps, config.samplingEps);
	}

	/** timesteps = torch.linspace(1, sampling_eps, N) in float32. */
	public void setTimesteps(final int numInferenceSteps, final double samplingEps) {
		if (numInferenceSteps < 1) throw new IllegalArgumentException("number of steps must be ≥ 1, got " +
			numInferenceSteps);
		timesteps = TorchFloat.linspace(1f, (float) samplingEps, numInferenceSteps);
	}

	public void setSigmas(final int numInferenceSteps) {
		setSigmas(numInferenceSteps, config.sigmaMin, config.sigmaMax, config.samplingEps);
	}

	/**
	 * sigmas[i] = σmin·(σmax/σmin)^t[i] over the current timesteps (set for N first if none are),
	 * discrete_sigmas = exp(linspace(ln σmin, ln σmax, N)).
	 */
	public void setSigmas(final int numInferenceSteps, final double sigmaMin, final double sigmaMax,
		final double samplingEps)
	{
		if (timesteps == null) setTimesteps(numInferenceSteps, samplingEps);
		final float ratio = (float) (sigmaMax / sigmaMin);
		final float min = (float) sigmaMin;
		sigmas = new float[timesteps.length];
		for (int i = 0; i < sigmas.length; i++)
			sigmas[i] = min * TorchFloat.pow(ratio, timesteps[i]);
		final float[] logs = TorchFloat.linspace((float) Math.log(sigmaMin), (float) Math.log(sigmaMax),
			numInferenceSteps);
		discreteSigmas = new float[logs.length];
		for (int i = 0; i < logs.length; i++)
			discreteSigmas[i] = (float) Math.exp(logs[i]);
	}

	public float[] timesteps() {
		return timesteps.clone();
	}

	public float[] sigmas() {
		return sigmas.clone();
	}

	public float[] discreteSigmas() {
		return discreteSigmas.clone();
	}

	/** (t·(len(timesteps)−1)).long(), computed in float32: the truncation decides which σ a step uses. */
	public int predictorIndex(final float timestep) {
		final int index = (int) (long) (timestep * (float) (timesteps.length - 1));
		if (index < 0 || index >= discreteSigmas.length) throw new IllegalArgumentException("timestep " + timestep +
			" maps to σ index " + index + ", outside the " + discreteSigmas.length + " discrete sigmas");
		return index;
	}

	/** g = √(σᵢ² − σᵢ₋₁²) of the predictor at this timestep (σ₋₁ = 0). */
	public float diffusion(final float timestep) {
		final int i = predictorIndex(timestep);
		final float sigma = discreteSigmas[i];
		final float adjacent = i == 0 ? 0f : discreteSigmas[i - 1];
		return (float) Math.sqrt(sigma * sigma - adjacent * adjacent);
	}

	/**
	 * step_pred: mean = x + g²·score, x' = mean + g·z. The noise is drawn from {@code noise} after nothing else, in
	 * the manager of {@code sample}.
	 */
	public PredictorOutput stepPred(final NDArray modelOutput, final float timestep, final NDArray sample,
		final NoiseSource noise)
	{
		checkReady();
		final float g = diffusion(timestep);
		final NDArray z = noise.normal(sample.getManager(), sample.getShape());
		final NDArray mean = sample.add(modelOutput.mul(g * g));
		return new PredictorOutput(mean.add(z.mul(g)), mean);
	}

	/**
	 * step_correct: one Langevin step whose size 2·(snr·‖z‖/‖score‖)² uses norms per sample averaged over the
	 * batch, so the whole batch shares one step size.
	 */
	public NDArray stepCorrect(final NDArray modelOutput, final NDArray sample, final NoiseSource noise) {
		return stepCorrect(modelOutput, sample, noise, (float) config.snr);
	}

	public NDArray stepCorrect(final NDArray modelOutput, final NDArray sample, final NoiseSource noise,
		final float snr)
	{
		checkReady();
		final NDArray z = noise.normal(sample.getManager(), sample.getShape());
		final float gradNorm = meanNorm(modelOutput);
		final float noiseNorm = meanNorm(z);
		final float ratio = snr * noiseNorm / gradNorm;
		final float stepSize = ratio * ratio * 2f;
		final NDArray mean = sample.add(modelOutput.mul(stepSize));
		return mean.add(z.mul((float) Math.sqrt(stepSize * 2f)));
	}

	/** mean over the batch of the per-sample L2 norms. */
	static float meanNorm(final NDArray x) {
		final long b = x.getShape().get(0);
		final float[] norms = x.reshape(b, -1).square().sum(new int[] { 1 }).sqrt().toFloatArray();
		float sum = 0;
		for (final float n : norms)
			sum += n;
		return sum / b;
	}

	private void checkReady() {
		if (timesteps == null) throw new IllegalStateException("timesteps are not set; call setTimesteps first");
	}
}
