package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;

/** diffusers {@code UNetMidBlock2D} (unet_2d_blocks.py) with one layer: resnet, optional attention, resnet. */
final class UNetMidBlock2D {

	private final ResnetBlock2D first;
	private final Attention attention;
	private final ResnetBlock2D second;

	UNetMidBlock2D(final ParameterStore store, final UNet2DConfig c, final int tembChannels)
		throws ModelConfigException
	{
		final int channels = c.blockOutChannels[c.blockOutChannels.length - 1];
		final int groups = c.normNumGroups != null ? c.normNumGroups : BlockArgs.defaultGroups(channels);
		final boolean scaleShift = c.resnetTimeScaleShift.equals("scale_shift");
		final Integer attnGroups = c.attnNormNumGroups != null ? c.attnNormNumGroups : scaleShift ? null : Integer
			.valueOf(groups);
		final ResnetBlock2D.Spec s = new ResnetBlock2D.Spec(channels, channels, tembChannels, groups, c.normEps);
		s.outputScaleFactor = c.midBlockScaleFactor;
		s.scaleShift = scaleShift;
		first = new ResnetBlock2D(store, "mid_block.resnets.0", s, null);
		final int headDim = c.attentionHeadDim != null ? c.attentionHeadDim : channels;
		attention = c.addAttention ? new Attention(store, "mid_block.attentions.0", channels, headDim, attnGroups,
			c.normEps, c.midBlockScaleFactor) : null;
		second = new ResnetBlock2D(store, "mid_block.resnets.1", s, null);
	}

	NDArray forward(NDArray hidden, final NDArray tembAct) {
		hidden = first.forward(hidden, tembAct);
		if (attention != null) hidden = attention.forward(hidden);
		return second.forward(hidden, tembAct);
	}
}
