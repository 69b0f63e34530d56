package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers {@code UpBlock2D} and, with attention after each resnet, {@code AttnUpBlock2D} (unet_2d_blocks.py):
 * DDPM-style resnets over the concatenated down-path states, then nearest ×2 and a 3×3 convolution (or, for
 * AttnUpBlock2D with upsample_type 'resnet', a resnet that upsamples).
 */
final class UpBlock2D implements UpBlock {

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final List<Attention> attentions = new ArrayList<>();
	private final Upsample2D upsampler;
	private final ResnetBlock2D resnetUpsampler;

	UpBlock2D(final ParameterStore store, final String key, final BlockArgs a, final boolean withAttention)
		throws ModelConfigException
	{
		final int groups = a.requireResnetGroups(key);
		for (int i = 0; i < a.numLayers; i++) {
			final int resSkip = i == a.numLayers - 1 ? a.inChannels : a.outChannels;
			final int resnetIn = i == 0 ? a.prevOutputChannel : a.outChannels;
			resnets.add(new ResnetBlock2D(store, key + ".resnets." + i, a.resnet(resnetIn + resSkip, a.outChannels,
				groups), null));
			if (withAttention) attentions.add(new Attention(store, key + ".attentions." + i, a.outChannels,
				a.attentionHeadDim, groups, a.resnetEps, 1.0));
		}
		final boolean resnetType = withAttention && "resnet".equals(a.upsampleType);
		if (a.addResample && resnetType) {
			final ResnetBlock2D.Spec s = a.resnet(a.outChannels, a.outChannels, groups);
			s.resample = ResnetBlock2D.Resample.NEAREST_UP;
			resnetUpsampler = new ResnetBlock2D(store, key + ".upsamplers.0", s, null);
			upsampler = null;
		}
		else {
			resnetUpsampler = null;
			upsampler = a.addResample ? new Upsample2D(store, key + ".upsamplers.0", a.outChannels) : null;
		}
	}

	@Override
	public Output forward(NDArray hidden, final List<NDArray> residuals, final NDArray tembAct, final NDArray skip) {
		for (int i = 0; i < resnets.size(); i++) {
			hidden = NDArrays.concat(new NDList(hidden, UpBlock.popLast(residuals)), 1);
			hidden = resnets.get(i).forward(hidden, tembAct);
			if (!attentions.isEmpty()) hidden = attentions.get(i).forward(hidden);
		}
		if (upsampler != null) hidden = upsampler.forward(hidden);
		else if (resnetUpsampler != null) hidden = resnetUpsampler.forward(hidden, tembAct);
		return new Output(hidden, null);
	}

	@Override
	public int resnetCount() {
		return resnets.size();
	}

	@Override
	public boolean hasSkip() {
		return false;
	}
}
