package sc.fiji.scoresde.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import sc.fiji.scoresde.model.HostTensor;

/**
 * diffusers {@code UNet2DModel} (unet_2d.py): conv_in, the σ embedding, down blocks, mid block, up blocks, output
 * norm/act/conv, plus the NCSN++ skip image and the division by σ for Fourier embeddings. Built from a config, it
 * declares its parameters; {@link #loadWeights} binds them. The network never reads files.
 */
public final class UNet2DModel implements AutoCloseable {

	private final UNet2DConfig config;
	private final ParameterStore store = new ParameterStore();
	private final NDManager manager;
	private final Nn.Conv2d convIn;
	private final TimeEmbedding timeEmbedding;
	private final List<DownBlock> downBlocks = new ArrayList<>();
	private final UNetMidBlock2D midBlock;
	private final List<UpBlock> upBlocks = new ArrayList<>();
	private final Nn.GroupNorm convNormOut;
	private final Nn.Conv2d convOut;
	private boolean loaded;

	/**
	 * @param manager owns the weights (closed with the model); null builds the architecture only, e.g. to count
	 *     parameters from a config
	 */
	public UNet2DModel(final UNet2DConfig c, final NDManager manager) throws ModelConfigException {
		c.validate("config");
		this.config = c;
		this.manager = manager;
		final Fir fir = manager == null ? null : new Fir(manager);
		final int[] channels = c.blockOutChannels;
		final int timeEmbedDim = channels[0] * 4;
		convIn = new Nn.Conv2d(store, "conv_in", c.inChannels, channels[0], 3, 1, 1, true);
		timeEmbedding = new TimeEmbedding(store, c, timeEmbedDim);

		int output = channels[0];
		for (int i = 0; i < c.downBlockTypes.size(); i++) {
			final BlockArgs a = blockArgs(c, timeEmbedDim);
			a.inChannels = output;
			output = channels[i];
			a.outChannels = output;
			a.addResample = i != channels.length - 1;
			a.attentionHeadDim = c.attentionHeadDim != null ? c.attentionHeadDim : output;
			downBlocks.add(downBlock(UNet2DConfig.stripRes(c.downBlockTypes.get(i)), "down_blocks." + i, a, fir));
		}
		midBlock = new UNetMidBlock2D(store, c, timeEmbedDim);

		output = channels[channels.length - 1];
		for (int i = 0; i < c.upBlockTypes.size(); i++) {
			final BlockArgs a = blockArgs(c, timeEmbedDim);
			a.prevOutputChannel = output;
			output = channels[channels.length - 1 - i];
			a.outChannels = output;
			a.inChannels = channels[Math.max(channels.length - 2 - i, 0)];
			a.numLayers = c.layersPerBlock + 1;
			a.addResample = i != channels.length - 1;
			a.attentionHeadDim = c.attentionHeadDim != null ? c.attentionHeadDim : output;
			upBlocks.add(upBlock(UNet2DConfig.stripRes(c.upBlockTypes.get(i)), "up_blocks." + i, a, fir));
		}
		final int groupsOut = c.normNumGroups != null ? c.normNumGroups : BlockArgs.defaultGroups(channels[0]);
		convNormOut = new Nn.GroupNorm(store, "conv_norm_out", groupsOut, channels[0], c.normEps, "conv_norm_out");
		convOut = new Nn.Conv2d(store, "conv_out", channels[0], c.outChannels, 3, 1, 1, true);
	}

	private static BlockArgs blockArgs(final UNet2DConfig c, final int temb) {
		final BlockArgs a = new BlockArgs();
		a.numLayers = c.layersPerBlock;
		a.tembChannels = temb;
		a.resnetEps = c.normEps;
		a.resnetGroups = c.normNumGroups;
		a.downsamplePadding = c.downsamplePadding;
		a.downsampleType = c.downsampleType;
		a.upsampleType = c.upsampleType;
		a.scaleShift = c.resnetTimeScaleShift.equals("scale_shift");
		return a;
	}

	private DownBlock downBlock(final String type, final String key, final BlockArgs a, final Fir fir)
		throws ModelConfigException
	{
		switch (type) {
			case "DownBlock2D": return new DownBlock2D(store, key, a, false);
			case "AttnDownBlock2D": return new DownBlock2D(store, key, a, true);
			case "SkipDownBlock2D": return new SkipDownBlock2D(store, key, a, false, fir);
			case "AttnSkipDownBlock2D": return new SkipDownBlock2D(store, key, a, true, fir);
			default: throw new ModelConfigException("down block type " + type + " is not supported");
		}
	}

	private UpBlock upBlock(final String type, final String key, final BlockArgs a, final Fir fir)
		throws ModelConfigException
	{
		switch (type) {
			case "UpBlock2D": return new UpBlock2D(store, key, a, false);
			case "AttnUpBlock2D": return new UpBlock2D(store, key, a, true);
			case "SkipUpBlock2D": return new SkipUpBlock2D(store, key, a, false, fir);
			case "AttnSkipUpBlock2D": return new SkipUpBlock2D(store, key, a, true, fir);
			default: throw new ModelConfigException("up block type " + type + " is not supported");
		}
	}

	public UNet2DConfig config() {
		return config;
	}

	public ParameterStore parameters() {
		return store;
	}

	public long parameterCount() {
		return store.count();
	}

	/** Binds the weights (keys already in current diffusers names) after checking them all against the config. */
	public void loadWeights(final Map<String, HostTensor> stateDict, final String source,
		final Consumer<String> warnings) throws WeightsMismatchException
	{
		if (manager == null) throw new IllegalStateException("model was built without an NDManager");
		store.load(stateDict, manager, source, warnings);
		loaded = true;
	}

	public boolean isLoaded() {
		return loaded;
	}

	/** The device the weights live on. */
	public ai.djl.Device device() {
		return manager.getDevice();
	}

	/**
	 * One network call. Intermediate arrays land in the manager of {@code sample}; scope it per call.
	 *
	 * @param sample (B, C, H, W) float32
	 * @param sigma noise level per sample, shape (B), or a 0-dim/1-element array broadcast to the batch
	 * @param recorder receives act.* intermediates, or null
	 * @return the score estimate, (B, out_channels, H, W)
	 */
	public NDArray forward(final NDArray sample, final NDArray sigma, final ActivationRecorder recorder) {
		// leaves report requires_grad reliably (intermediates do not): parameters being trained, or an input whose
		// gradient is wanted, mean autograd records this call
		final boolean recording = ai.djl.pytorch.jni.JniUtils.isGradMode() && (sample.hasGradient() || convIn.weight
			.get().hasGradient());
		final boolean previous = Nn.setRecording(recording);
		try {
			return forwardPass(sample, sigma, recorder);
		}
		finally {
			Nn.setRecording(previous);
		}
	}

	private NDArray forwardPass(NDArray sample, NDArray sigma, final ActivationRecorder recorder) {
		final long batch = sample.getShape().get(0);
		if (config.centerInputSample) sample = Scalars.sub(Scalars.mul(sample, 2f), 1f);
		NDArray sigmas = sigma.toType(DataType.FLOAT32, false);
		// the output is divided by σ, so autograd keeps σ: a libtorch-owned copy, since the caller's array may be a
		// view of a Java buffer that it frees before the backward pass (see Scalars)
		if (Nn.recording()) sigmas = sigmas.duplicate();
		if (sigmas.getShape().size() == 1 && batch != 1) sigmas = sigmas.reshape(1).broadcast(batch);
		else sigmas = sigmas.reshape(batch);

		final NDArray projected = timeEmbedding.project(sigmas);
		record(recorder, "act.time_proj.out", projected);
		final NDArray emb = timeEmbedding.embed(projected);
		record(recorder, "act.time_embedding.out", emb);
		final NDArray tembAct = Nn.silu(emb);

		NDArray skip = sample;
		NDArray hidden = convIn.forward(sample);
		record(recorder, "act.conv_in.out", hidden);
		final List<NDArray> residuals = new ArrayList<>();
		residuals.add(hidden);
		// each block runs in its own manager, so that its intermediates are freed when it returns: only the
		// states the rest of the network reads move up to the call's manager
		final NDManager call = sample.getManager();
		for (int i = 0; i < downBlocks.size(); i++) {
			final DownBlock block = downBlocks.get(i);
			final DownBlock.Output out;
			try (NDManager scope = call.newSubManager()) {
				hidden.tempAttach(scope); // saved in residuals: it must survive
				skip.tempAttach(scope);
				out = block.forward(hidden, tembAct, skip);
				keep(call, out.hidden, out.skip);
				for (final NDArray r : out.residuals)
					keep(call, r);
			}
			hidden = out.hidden;
			skip = out.skip;
			residuals.addAll(out.residuals);
			if (recorder != null) {
				record(recorder, "act.down_blocks." + i + ".out0", hidden);
				for (int j = 0; j < out.residuals.size(); j++)
					record(recorder, "act.down_blocks." + i + ".out1." + j, out.residuals.get(j));
				if (block instanceof SkipDownBlock2D) record(recorder, "act.down_blocks." + i + ".out2", skip);
			}
		}
		try (NDManager scope = call.newSubManager()) {
			hidden.tempAttach(scope);
			hidden = midBlock.forward(hidden, tembAct);
			keep(call, hidden);
		}
		record(recorder, "act.mid_block.out", hidden);

		skip = null;
		for (int i = 0; i < upBlocks.size(); i++) {
			final UpBlock block = upBlocks.get(i);
			final List<NDArray> mine = new ArrayList<>(residuals.subList(residuals.size() - block.resnetCount(),
				residuals.size()));
			residuals.subList(residuals.size() - block.resnetCount(), residuals.size()).clear();
			final UpBlock.Output out;
			try (NDManager scope = call.newSubManager()) {
				// the inputs are read by no one after this block: they are freed with its scope
				if (!containsSame(residuals, hidden)) hidden.attach(scope);
				if (skip != null) skip.attach(scope);
				for (final NDArray r : mine)
					r.attach(scope);
				out = block.forward(hidden, mine, tembAct, skip);
				keep(call, out.hidden, out.skip);
			}
			hidden = out.hidden;
			if (block.hasSkip()) {
				skip = out.skip;
				record(recorder, "act.up_blocks." + i + ".out0", hidden);
				record(recorder, "act.up_blocks." + i + ".out1", skip);
			}
			else record(recorder, "act.up_blocks." + i + ".out", hidden);
		}
		hidden = convNormOut.forward(hidden);
		record(recorder, "act.conv_norm_out.out", hidden);
		hidden = convOut.forward(Nn.silu(hidden));
		record(recorder, "act.conv_out.out", hidden);
		if (skip != null) hidden = Nn.add(hidden, skip);
		if (config.timeEmbeddingType.equals("fourier")) hidden = Nn.div(hidden, sigmas.reshape(batch, 1, 1, 1));
		return hidden;
	}

	private static boolean containsSame(final List<NDArray> list, final NDArray a) {
		for (final NDArray x : list)
			if (x == a) return true;
		return false;
	}

	/** Moves arrays a block returns into the call's manager (nulls are skipped). */
	private static void keep(final NDManager call, final NDArray... arrays) {
		for (final NDArray a : arrays)
			if (a != null) a.attach(call);
	}

	private static void record(final ActivationRecorder r, final String name, final NDArray value) {
		if (r != null && value != null) r.record(name, value);
	}

	/** A human-readable architecture summary (for {@code score-sde info}). */
	public String summary() {
		final StringBuilder sb = new StringBuilder();
		final UNet2DConfig c = config;
		sb.append("UNet2DModel ").append(c.sampleSize == null ? "(no sample_size)" : c.height() + "×" + c.width())
			.append(", ").append(c.inChannels).append("→").append(c.outChannels).append(" channels, ").append(
				c.timeEmbeddingType).append(" σ embedding").append(c.centerInputSample ? ", centred input" : "")
			.append('\n');
		sb.append("  block_out_channels ").append(java.util.Arrays.toString(c.blockOutChannels)).append(
			", layers_per_block ").append(c.layersPerBlock).append('\n');
		for (int i = 0; i < c.downBlockTypes.size(); i++)
			sb.append("  down_blocks.").append(i).append(": ").append(c.downBlockTypes.get(i)).append(" (").append(
				c.blockOutChannels[i]).append(")\n");
		sb.append("  mid_block: UNetMidBlock2D").append(c.addAttention ? " with attention" : "").append('\n');
		for (int i = 0; i < c.upBlockTypes.size(); i++)
			sb.append("  up_blocks.").append(i).append(": ").append(c.upBlockTypes.get(i)).append(" (").append(
				c.blockOutChannels[c.blockOutChannels.length - 1 - i]).append(")\n");
		sb.append(String.format("  parameters: %,d", parameterCount()));
		return sb.toString();
	}

	@Override
	public void close() {
		if (manager != null) manager.close();
	}
}
