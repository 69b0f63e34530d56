package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** A block of UNet2DModel.down_blocks. */
interface DownBlock {

	/** What a down block returns: hidden states, the states saved for the up path, and the skip image. */
	final class Output {

		final NDArray hidden;
		final List<NDArray> residuals;
		/** the skip image after this block (skip blocks), or the one passed in */
		final NDArray skip;

		Output(final NDArray hidden, final List<NDArray> residuals, final NDArray skip) {
			this.hidden = hidden;
			this.residuals = residuals;
			this.skip = skip;
		}
	}

	Output forward(NDArray hidden, NDArray tembAct, NDArray skip);

	/** Whether the block has a skip path (diffusers checks {@code hasattr(block, "skip_conv")}). */
	boolean hasSkip();
}
