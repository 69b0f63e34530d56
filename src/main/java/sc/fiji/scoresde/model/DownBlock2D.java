package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers {@code DownBlock2D} and, with attention after each resnet, {@code AttnDownBlock2D} (unet_2d_blocks.py):
 * DDPM-style resnets then a stride-2 convolution (or, for AttnDownBlock2D with downsample_type 'resnet', a resnet
 * that average-pools).
 */
final class DownBlock2D implements DownBlock {

	private final List<ResnetBlock2D> resnets = new ArrayList<>();
	private final List<Attention> attentions = new ArrayList<>();
	private final Downsample2D downsampler;
	private final ResnetBlock2D resnetDownsampler;

	DownBlock2D(final ParameterStore store, final String key, final BlockArgs a, final boolean withAttention)
		throws ModelConfigException
	{
		final int groups = a.requireResnetGroups(key);
		for (int i = 0; i < a.numLayers; i++) {
			final int in = i == 0 ? a.inChannels : a.outChannels;
			resnets.add(new ResnetBlock2D(store, key + ".resnets." + i, a.resnet(in, a.outChannels, groups), null));
			if (withAttention) attentions.add(new Attention(store, key + ".attentions." + i, a.outChannels,
				a.attentionHeadDim, groups, a.resnetEps, 1.0));
		}
		final boolean resnetType = withAttention && "resnet".equals(a.downsampleType);
		if (a.addResample && resnetType) {
			final ResnetBlock2D.Spec s = a.resnet(a.outChannels, a.outChannels, groups);
			s.resample = ResnetBlock2D.Resample.AVG_DOWN;
			resnetDownsampler = new ResnetBlock2D(store, key + ".downsamplers.0", s, null);
			downsampler = null;
		}
		else {
			resnetDownsampler = null;
			downsampler = a.addResample ? new Downsample2D(store, key + ".downsamplers.0", a.outChannels,
				a.downsamplePadding) : null;
		}
	}

	@Override
	public Output forward(NDArray hidden, final NDArray tembAct, final NDArray skip) {
		final List<NDArray> saved = new ArrayList<>();
		for (int i = 0; i < resnets.size(); i++) {
			hidden = resnets.get(i).forward(hidden, tembAct);
			if (!attentions.isEmpty()) hidden = attentions.get(i).forward(hidden);
			saved.add(hidden);
		}
		if (downsampler != null || resnetDownsampler != null) {
			hidden = downsampler != null ? downsampler.forward(hidden) : resnetDownsampler.forward(hidden, tembAct);
			saved.add(hidden);
		}
		return new Output(hidden, saved, skip);
	}

	@Override
	public boolean hasSkip() {
		return false;
	}
}
