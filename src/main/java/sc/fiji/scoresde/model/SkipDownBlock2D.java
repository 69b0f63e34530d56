package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers {@code SkipDownBlock2D} and, with attention after each resnet, {@code AttnSkipDownBlock2D}
 * (unet_2d_blocks.py): NCSN++ resnets with output scale √2, a FIR-downsampling resnet, and the skip image
 * FIR-downsampled and added through a 1×1 convolution.
 */
final class SkipDownBlock2D implements DownBlock {

	private static final double OUTPUT_SCALE = Math.sqrt(2.0);

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final List<Attention> attentions = new ArrayList<>();
	private final ResnetBlock2D resnetDown;
	private final Nn.Conv2d skipConv;
	private final Fir fir;

	SkipDownBlock2D(final ParameterStore store, final String key, final BlockArgs a, final boolean withAttention,
		final Fir fir) throws ModelConfigException
	{
		this.fir = fir;
		for (int i = 0; i < a.numLayers; i++) {
			final int in = i == 0 ? a.inChannels : a.outChannels;
			final ResnetBlock2D.Spec s = a.resnet(in, a.outChannels, BlockArgs.defaultGroups(in));
			s.groupsOut = BlockArgs.defaultGroups(a.outChannels);
			s.outputScaleFactor = OUTPUT_SCALE;
			resnets.add(new ResnetBlock2D(store, key + ".resnets." + i, s, fir));
			if (withAttention) {
				// AttnSkipDownBlock2D fixes the attention's GroupNorm at 32 groups
				attentions.add(new Attention(store, key + ".attentions." + i, a.outChannels, a.attentionHeadDim, 32,
					a.resnetEps, OUTPUT_SCALE));
			}
		}
		if (a.addResample) {
			final ResnetBlock2D.Spec s = a.resnet(a.outChannels, a.outChannels, BlockArgs.defaultGroups(
				a.outChannels));
			s.outputScaleFactor = OUTPUT_SCALE;
			s.useInShortcut = true;
			s.resample = ResnetBlock2D.Resample.FIR_DOWN;
			resnetDown = new ResnetBlock2D(store, key + ".resnet_down", s, fir);
			// the skip path's input is fixed at 3 channels in diffusers
			skipConv = new Nn.Conv2d(store, key + ".skip_conv", 3, a.outChannels, 1, 1, 0, true);
		}
		else {
			resnetDown = null;
			skipConv = null;
		}
	}

	@Override
	public Output forward(NDArray hidden, final NDArray tembAct, NDArray skip) {
		final List<NDArray> saved = new ArrayList<>();
		for (int i = 0; i < resnets.size(); i++) {
			hidden = resnets.get(i).forward(hidden, tembAct);
			if (!attentions.isEmpty()) hidden = attentions.get(i).forward(hidden);
			saved.add(hidden);
		}
		if (resnetDown != null) {
			hidden = resnetDown.forward(hidden, tembAct);
			skip = fir.down(skip);
			hidden = Nn.add(skipConv.forward(skip), hidden);
			saved.add(hidden);
		}
		return new Output(hidden, saved, skip);
	}

	@Override
	public boolean hasSkip() {
		return resnetDown != null;
	}
}
