package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers {@code SkipUpBlock2D} and, with one attention after the resnets, {@code AttnSkipUpBlock2D}
 * (unet_2d_blocks.py): resnets over the concatenated down-path states, then the output pyramid: the skip image is
 * FIR-upsampled and conv3×3(SiLU(GroupNorm(h))) added, and a FIR-upsampling resnet.
 */
final class SkipUpBlock2D implements UpBlock {

	private static final double OUTPUT_SCALE = Math.sqrt(2.0);

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final Attention attention;
	private final ResnetBlock2D resnetUp;
	private final Nn.GroupNorm skipNorm;
	private final Nn.Conv2d skipConv;
	private final Fir fir;

	SkipUpBlock2D(final ParameterStore store, final String key, final BlockArgs a, final boolean withAttention,
		final Fir fir) throws ModelConfigException
	{
		this.fir = fir;
		for (int i = 0; i < a.numLayers; i++) {
			final int resSkip = i == a.numLayers - 1 ? a.inChannels : a.outChannels;
			final int resnetIn = i == 0 ? a.prevOutputChannel : a.outChannels;
			// Quirk kept on purpose (unet_2d_blocks.py, AttnSkipUpBlock2D): min(a + b // 4, 32) by operator precedence
			final int groups = withAttention ? Math.min(resnetIn + resSkip / 4, 32) : BlockArgs.defaultGroups(resnetIn +
				resSkip);
			final ResnetBlock2D.Spec s = a.resnet(resnetIn + resSkip, a.outChannels, groups);
			s.groupsOut = BlockArgs.defaultGroups(a.outChannels);
			s.outputScaleFactor = OUTPUT_SCALE;
			resnets.add(new ResnetBlock2D(store, key + ".resnets." + i, s, fir));
		}
		attention = withAttention ? new Attention(store, key + ".attentions.0", a.outChannels, a.attentionHeadDim, 32,
			a.resnetEps, OUTPUT_SCALE) : null;
		if (a.addResample) {
			final int groups = BlockArgs.defaultGroups(a.outChannels);
			final ResnetBlock2D.Spec s = a.resnet(a.outChannels, a.outChannels, groups);
			s.groupsOut = groups;
			s.outputScaleFactor = OUTPUT_SCALE;
			s.useInShortcut = true;
			s.resample = ResnetBlock2D.Resample.FIR_UP;
			resnetUp = new ResnetBlock2D(store, key + ".resnet_up", s, fir);
			// the skip path's output is fixed at 3 channels in diffusers
			skipConv = new Nn.Conv2d(store, key + ".skip_conv", a.outChannels, 3, 3, 1, 1, true);
			skipNorm = new Nn.GroupNorm(store, key + ".skip_norm", groups, a.outChannels, a.resnetEps, key +
				".skip_norm");
		}
		else {
			resnetUp = null;
			skipConv = null;
			skipNorm = null;
		}
	}

	@Override
	public Output forward(NDArray hidden, final List<NDArray> residuals, final NDArray tembAct, NDArray skip) {
		for (final ResnetBlock2D resnet : resnets) {
			hidden = NDArrays.concat(new NDList(hidden, UpBlock.popLast(residuals)), 1);
			hidden = resnet.forward(hidden, tembAct);
		}
		if (attention != null) hidden = attention.forward(hidden);
		if (skip != null) skip = fir.up(skip);
		if (resnetUp != null) {
			final NDArray states = skipConv.forward(Nn.silu(skipNorm.forward(hidden)));
			skip = skip == null ? states : Nn.add(skip, states);
			hidden = resnetUp.forward(hidden, tembAct);
		}
		return new Output(hidden, skip);
	}

	@Override
	public int resnetCount() {
		return resnets.size();
	}

	@Override
	public boolean hasSkip() {
		return true;
	}
}
