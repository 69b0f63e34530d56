package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** A block of UNet2DModel.up_blocks. */
interface UpBlock {

	/** What an up block returns: hidden states and the skip image (null for blocks without a skip path). */
	final class Output {

		final NDArray hidden;
		final NDArray skip;

		Output(final NDArray hidden, final NDArray skip) {
			this.hidden = hidden;
			this.skip = skip;
		}
	}

	/**
	 * @param residuals the down path's saved states; the block consumes {@link #resnetCount()} of them from the end
	 */
	Output forward(NDArray hidden, List<NDArray> residuals, NDArray tembAct, NDArray skip);

	int resnetCount();

	boolean hasSkip();

	/** Takes the last saved state, as diffusers' {@code res_hidden_states_tuple[-1]}. */
	static NDArray popLast(final List<NDArray> residuals) {
		return residuals.remove(residuals.size() - 1);
	}
}
