package sc.fiji.scoresde.sampling;

import ai.djl.ndarray.NDArray;

/**
 * A score estimate s(x, σ) ≈ ∇ₓ log p_σ(x). Samplers see networks only through this interface, so they can be
 * tested on an exact score and a network can be tested without a sampler. The result must land in the manager of
 * {@code x}.
 */
@FunctionalInterface
public interface ScoreModel {

	NDArray score(NDArray x, float sigma);
}
