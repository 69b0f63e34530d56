package sc.fiji.scoresde.model;

/** The arguments UNet2DModel passes to get_down_block / get_up_block, named as there. */
final class BlockArgs {

	int numLayers;
	int inChannels;
	int outChannels;
	int prevOutputChannel;
	int tembChannels;
	boolean addResample;
	double resnetEps;
	/** resnet_groups as UNet2DModel passes it (norm_num_groups; may be null) */
	Integer resnetGroups;
	int attentionHeadDim;
	int downsamplePadding;
	String downsampleType;
	String upsampleType;
	boolean scaleShift;

	/** diffusers blocks that default their group count use min(channels / 4, 32). */
	static int defaultGroups(final int channels) {
		return Math.min(channels / 4, 32);
	}

	/** The DDPM-style blocks pass resnet_groups straight to GroupNorm, which needs a number. */
	int requireResnetGroups(final String block) throws ModelConfigException {
		if (resnetGroups == null) throw new ModelConfigException(block + " needs norm_num_groups; the config has" +
			" null, which only the Skip blocks and the mid block accept (diffusers fails here too)");
		return resnetGroups;
	}

	ResnetBlock2D.Spec resnet(final int in, final int out, final int groups) {
		final ResnetBlock2D.Spec s = new ResnetBlock2D.Spec(in, out, tembChannels, groups, resnetEps);
		s.scaleShift = scaleShift;
		return s;
	}
}
