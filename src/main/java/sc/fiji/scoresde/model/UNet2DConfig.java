package sc.fiji.scoresde.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.JsonInput;

/**
 * The typed content of a diffusers {@code UNet2DModel} config.json. Every key the file may hold is named here with
 * the default of {@code UNet2DModel.__init__} (diffusers 0.25); a key we do not know, or a value we cannot honour,
 * is an error naming the key and the value rather than something silently ignored.
 */
public final class UNet2DConfig {

	/** sample_size as [height, width]; null when the config has none. */
	public int[] sampleSize;
	public int inChannels = 3;
	public int outChannels = 3;
	public boolean centerInputSample;
	public String timeEmbeddingType = "positional";
	public double freqShift = 0;
	public boolean flipSinToCos = true;
	public List<String> downBlockTypes = List.of("DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D",
		"AttnDownBlock2D");
	public List<String> upBlockTypes = List.of("AttnUpBlock2D", "AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D");
	public int[] blockOutChannels = { 224, 448, 672, 896 };
	public int layersPerBlock = 2;
	public double midBlockScaleFactor = 1;
	public int downsamplePadding = 1;
	public String downsampleType = "conv";
	public String upsampleType = "conv";
	public double dropout = 0;
	public String actFn = "silu";
	/** null means one head holding all channels of the block. */
	public Integer attentionHeadDim = 8;
	/** null means min(channels / 4, 32) per block, where the block allows it. */
	public Integer normNumGroups = 32;
	public Integer attnNormNumGroups;
	public double normEps = 1e-5;
	public String resnetTimeScaleShift = "default";
	public boolean addAttention = true;
	public String classEmbedType;
	public Integer numClassEmbeds;
	public Integer numTrainTimesteps;

	static final int MAX_LEVELS = 16;
	static final int MAX_LAYERS = 32;
	static final int MAX_CHANNELS = 16384;
	static final int MAX_IMAGE_CHANNELS = 1024;
	static final int MAX_SIDE = 1 << 16;

	static final Set<String> DOWN_TYPES = Set.of("DownBlock2D", "AttnDownBlock2D", "SkipDownBlock2D",
		"AttnSkipDownBlock2D");
	static final Set<String> UP_TYPES = Set.of("UpBlock2D", "AttnUpBlock2D", "SkipUpBlock2D", "AttnSkipUpBlock2D");

	private static final Set<String> KEYS = new HashSet<>(Arrays.asList("sample_size", "in_channels",
		"out_channels", "center_input_sample", "time_embedding_type", "freq_shift", "flip_sin_to_cos",
		"down_block_types", "up_block_types", "block_out_channels", "layers_per_block", "mid_block_scale_factor",
		"downsample_padding", "downsample_type", "upsample_type", "dropout", "act_fn", "attention_head_dim",
		"norm_num_groups", "attn_norm_num_groups", "norm_eps", "resnet_time_scale_shift", "add_attention",
		"class_embed_type", "num_class_embeds", "num_train_timesteps"));

	/** Parses config.json text; {@code source} names the file in messages. */
	public static UNet2DConfig parse(final String json, final String source) throws ModelConfigException {
		final JsonObject o;
		try {
			o = JsonInput.parseObject(json, source);
		}
		catch (final IllegalArgumentException e) {
			throw new ModelConfigException(e.getMessage());
		}
		final Reader r = new Reader(o, source);
		final UNet2DConfig c = new UNet2DConfig();
		for (final String key : o.keySet()) {
			if (key.startsWith("_")) continue; // diffusers bookkeeping: _class_name, _diffusers_version, _name_or_path
			if (!KEYS.contains(key)) throw new ModelConfigException(source + ": config key " + Echo.quoted(key) +
				" (value " + Echo.of(o.get(key)) + ") is not a UNet2DModel option we know; remove it or use a " +
				"diffusers UNet2DModel config");
		}
		final JsonElement cls = o.get("_class_name");
		if (cls != null && !"UNet2DModel".equals(JsonInput.string(cls))) throw new ModelConfigException(source +
			": _class_name is " + JsonInput.kind(cls) + ", only UNet2DModel is supported");
		if (o.has("sample_size") && !o.get("sample_size").isJsonNull()) {
			final JsonElement s = o.get("sample_size");
			if (s.isJsonArray()) {
				final int[] hw = r.intArray("sample_size", 1);
				if (hw.length != 2) throw r.bad("sample_size", "expected an integer or [height, width]");
				c.sampleSize = hw;
			}
			else {
				final int n = r.integer("sample_size", 1, 0);
				c.sampleSize = new int[] { n, n };
			}
		}
		c.inChannels = r.integer("in_channels", 1, c.inChannels);
		c.outChannels = r.integer("out_channels", 1, c.outChannels);
		c.centerInputSample = r.bool("center_input_sample", c.centerInputSample);
		c.timeEmbeddingType = r.string("time_embedding_type", c.timeEmbeddingType);
		c.freqShift = r.number("freq_shift", c.freqShift);
		c.flipSinToCos = r.bool("flip_sin_to_cos", c.flipSinToCos);
		c.downBlockTypes = r.stringList("down_block_types", c.downBlockTypes);
		c.upBlockTypes = r.stringList("up_block_types", c.upBlockTypes);
		if (o.has("block_out_channels")) c.blockOutChannels = r.intArray("block_out_channels", 1);
		c.layersPerBlock = r.integer("layers_per_block", 1, c.layersPerBlock);
		c.midBlockScaleFactor = r.number("mid_block_scale_factor", c.midBlockScaleFactor);
		c.downsamplePadding = r.integer("downsample_padding", 0, c.downsamplePadding);
		c.downsampleType = r.string("downsample_type", c.downsampleType);
		c.upsampleType = r.string("upsample_type", c.upsampleType);
		c.dropout = r.number("dropout", c.dropout);
		c.actFn = r.string("act_fn", c.actFn);
		c.attentionHeadDim = r.optionalInteger("attention_head_dim", c.attentionHeadDim);
		c.normNumGroups = r.optionalInteger("norm_num_groups", c.normNumGroups);
		c.attnNormNumGroups = r.optionalInteger("attn_norm_num_groups", c.attnNormNumGroups);
		c.normEps = r.number("norm_eps", c.normEps);
		c.resnetTimeScaleShift = r.string("resnet_time_scale_shift", c.resnetTimeScaleShift);
		c.addAttention = r.bool("add_attention", c.addAttention);
		c.classEmbedType = r.optionalString("class_embed_type", c.classEmbedType);
		c.numClassEmbeds = r.optionalInteger("num_class_embeds", c.numClassEmbeds);
		c.numTrainTimesteps = r.optionalInteger("num_train_timesteps", c.numTrainTimesteps);
		if (c.numTrainTimesteps != null && c.numTrainTimesteps < 1) throw r.bad("num_train_timesteps",
			"expected null or an integer ≥ 1");
		c.validate(source);
		return c;
	}

	/** Checks the values that decide the architecture; messages name the key and value. */
	public void validate(final String source) throws ModelConfigException {
		final String s = source + ": ";
		if (!timeEmbeddingType.equals("fourier") && !timeEmbeddingType.equals("positional")) {
			throw new ModelConfigException(s + "time_embedding_type " + Echo.quoted(timeEmbeddingType) +
				" is not supported (expected 'fourier' or 'positional')");
		}
		if (!actFn.equals("silu") && !actFn.equals("swish")) throw new ModelConfigException(s + "act_fn " + Echo
			.quoted(actFn) + " is not supported (expected 'silu' or 'swish')");
		if (!resnetTimeScaleShift.equals("default") && !resnetTimeScaleShift.equals("scale_shift")) {
			throw new ModelConfigException(s + "resnet_time_scale_shift " + Echo.quoted(resnetTimeScaleShift) +
				" is not supported (expected 'default' or 'scale_shift')");
		}
		if (!downsampleType.equals("conv") && !downsampleType.equals("resnet")) throw new ModelConfigException(s +
			"downsample_type " + Echo.quoted(downsampleType) + " is not supported (expected 'conv' or 'resnet')");
		if (!upsampleType.equals("conv") && !upsampleType.equals("resnet")) throw new ModelConfigException(s +
			"upsample_type " + Echo.quoted(upsampleType) + " is not supported (expected 'conv' or 'resnet')");
		if (classEmbedType != null) throw new ModelConfigException(s + "class_embed_type " + Echo.quoted(
			classEmbedType) + " is not supported (class-conditional models need labels the VE pipeline does not " +
			"give; expected null)");
		if (numClassEmbeds != null) throw new ModelConfigException(s + "num_class_embeds " + numClassEmbeds +
			" is not supported (class-conditional models; expected null)");
		// bounds far above any published model, so that a hostile config cannot make us declare billions of weights
		if (downBlockTypes.size() > MAX_LEVELS) throw new ModelConfigException(s + "down_block_types has " +
			downBlockTypes.size() + " blocks; at most " + MAX_LEVELS + " are supported");
		if (downBlockTypes.size() != upBlockTypes.size()) throw new ModelConfigException(s + "down_block_types " +
			Echo.of(downBlockTypes) + " and up_block_types " + Echo.of(upBlockTypes) + " differ in length");
		if (blockOutChannels.length != downBlockTypes.size()) throw new ModelConfigException(s +
			"block_out_channels " + Arrays.toString(blockOutChannels) + " must have one entry per down block (" +
			downBlockTypes.size() + ")");
		for (final String t : downBlockTypes)
			if (!DOWN_TYPES.contains(stripRes(t))) throw new ModelConfigException(s + "down_block_types entry " + Echo
				.quoted(t) + " is not supported (expected one of " + new java.util.TreeSet<>(DOWN_TYPES) + ")");
		for (final String t : upBlockTypes)
			if (!UP_TYPES.contains(stripRes(t))) throw new ModelConfigException(s + "up_block_types entry " + Echo
				.quoted(t) + " is not supported (expected one of " + new java.util.TreeSet<>(UP_TYPES) + ")");
		if (layersPerBlock > MAX_LAYERS) throw new ModelConfigException(s + "layers_per_block " + layersPerBlock +
			" is more than the " + MAX_LAYERS + " supported");
		for (final int ch : blockOutChannels)
			if (ch > MAX_CHANNELS) throw new ModelConfigException(s + "block_out_channels entry " + ch +
				" is more than the " + MAX_CHANNELS + " supported");
		if (inChannels > MAX_IMAGE_CHANNELS || outChannels > MAX_IMAGE_CHANNELS) throw new ModelConfigException(s +
			"in_channels " + inChannels + " / out_channels " + outChannels + ": at most " + MAX_IMAGE_CHANNELS);
		if (sampleSize != null && (sampleSize[0] > MAX_SIDE || sampleSize[1] > MAX_SIDE)) throw new ModelConfigException(
			s + "sample_size " + Arrays.toString(sampleSize) + " is larger than " + MAX_SIDE);
		if (!(normEps > 0)) throw new ModelConfigException(s + "norm_eps " + normEps + " must be positive");
		if (attentionHeadDim != null && (attentionHeadDim < 1 || attentionHeadDim > MAX_CHANNELS)) throw new ModelConfigException(s +
			"attention_head_dim " + attentionHeadDim + " must be null or from 1 to " + MAX_CHANNELS);
		if (normNumGroups != null && (normNumGroups < 1 || normNumGroups > MAX_CHANNELS)) throw new ModelConfigException(s + "norm_num_groups " +
			normNumGroups + " must be null or from 1 to " + MAX_CHANNELS);
		if (attnNormNumGroups != null && (attnNormNumGroups < 1 || attnNormNumGroups > MAX_CHANNELS)) throw new ModelConfigException(s +
			"attn_norm_num_groups " + attnNormNumGroups + " must be null or from 1 to " + MAX_CHANNELS);
		if (sampleSize != null && (sampleSize[0] < 1 || sampleSize[1] < 1)) throw new ModelConfigException(s +
			"sample_size " + Arrays.toString(sampleSize) + " must be positive");
		if (downsamplePadding > 1) {
			// a stride-2 3×3 convolution padded by p makes ⌊(n + 2p − 3)/2⌋ + 1 pixels of n: half of n only for p = 0
			// (with diffusers' extra right/bottom pixel) or 1; any other p breaks the up path's skip connections
			throw new ModelConfigException(s + "downsample_padding " + downsamplePadding + " is not supported " +
				"(expected 0 or 1: other paddings change the image size so that the up blocks cannot join their skip " +
				"connections)");
		}
		if (sampleSize != null && (sampleSize[0] % downsamplingFactor() != 0 || sampleSize[1] % downsamplingFactor() !=
			0)) throw new ModelConfigException(s + "sample_size " + (sampleSize[0] == sampleSize[1] ? Integer.toString(
				sampleSize[0]) : Arrays.toString(sampleSize)) + " must be a multiple of " + downsamplingFactor() +
			" (the " + downBlockTypes.size() + " down blocks halve the image " + (downBlockTypes.size() - 1) +
			" times, and each up block must double it back to its skip connection's size)");
		final boolean skipBlocks = downBlockTypes.stream().anyMatch(t -> stripRes(t).contains("Skip")) || upBlockTypes
			.stream().anyMatch(t -> stripRes(t).contains("Skip"));
		if (skipBlocks && (inChannels != 3 || outChannels != 3)) {
			// diffusers fixes the skip path's convolutions at 3 channels (skip_conv in unet_2d_blocks.py)
			throw new ModelConfigException(s + "Skip blocks carry a 3-channel image path in diffusers; in_channels " +
				inChannels + " / out_channels " + outChannels + " need DownBlock2D/UpBlock2D types instead");
		}
	}

	/** The config.json diffusers would write for this architecture (every key, current names). */
	public String toJson() {
		final com.google.gson.JsonObject o = new com.google.gson.JsonObject();
		o.addProperty("_class_name", "UNet2DModel");
		o.addProperty("_diffusers_version", "0.25.0");
		o.addProperty("act_fn", actFn);
		o.addProperty("add_attention", addAttention);
		o.add("attention_head_dim", attentionHeadDim == null ? com.google.gson.JsonNull.INSTANCE
			: new JsonPrimitive(attentionHeadDim));
		o.add("attn_norm_num_groups", attnNormNumGroups == null ? com.google.gson.JsonNull.INSTANCE
			: new JsonPrimitive(attnNormNumGroups));
		final JsonArray channels = new JsonArray();
		for (final int ch : blockOutChannels)
			channels.add(ch);
		o.add("block_out_channels", channels);
		o.addProperty("center_input_sample", centerInputSample);
		o.add("class_embed_type", com.google.gson.JsonNull.INSTANCE);
		final JsonArray down = new JsonArray();
		downBlockTypes.forEach(down::add);
		o.add("down_block_types", down);
		o.addProperty("downsample_padding", downsamplePadding);
		o.addProperty("downsample_type", downsampleType);
		o.addProperty("dropout", dropout);
		o.addProperty("flip_sin_to_cos", flipSinToCos);
		o.addProperty("freq_shift", freqShift == Math.rint(freqShift) ? (Number) (long) freqShift : freqShift);
		o.addProperty("in_channels", inChannels);
		o.addProperty("layers_per_block", layersPerBlock);
		o.addProperty("mid_block_scale_factor", midBlockScaleFactor);
		o.addProperty("norm_eps", normEps);
		o.add("norm_num_groups", normNumGroups == null ? com.google.gson.JsonNull.INSTANCE : new JsonPrimitive(
			normNumGroups));
		o.add("num_class_embeds", com.google.gson.JsonNull.INSTANCE);
		o.add("num_train_timesteps", numTrainTimesteps == null ? com.google.gson.JsonNull.INSTANCE : new JsonPrimitive(
			numTrainTimesteps));
		o.addProperty("out_channels", outChannels);
		o.addProperty("resnet_time_scale_shift", resnetTimeScaleShift);
		if (sampleSize != null) {
			if (sampleSize[0] == sampleSize[1]) o.addProperty("sample_size", sampleSize[0]);
			else {
				final JsonArray hw = new JsonArray();
				hw.add(sampleSize[0]);
				hw.add(sampleSize[1]);
				o.add("sample_size", hw);
			}
		}
		o.addProperty("time_embedding_type", timeEmbeddingType);
		final JsonArray up = new JsonArray();
		upBlockTypes.forEach(up::add);
		o.add("up_block_types", up);
		o.addProperty("upsample_type", upsampleType);
		return new com.google.gson.GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o);
	}

	/** diffusers accepts "UNetRes" prefixed names for the same blocks. */
	static String stripRes(final String type) {
		return type.startsWith("UNetRes") ? type.substring(7) : type;
	}

	public int height() {
		return sampleSize == null ? -1 : sampleSize[0];
	}

	public int width() {
		return sampleSize == null ? -1 : sampleSize[1];
	}

	/** 2^(levels − 1): every down block but the last halves the image, so input sides must be multiples of this. */
	public int downsamplingFactor() {
		return 1 << (blockOutChannels.length - 1);
	}

	/**
	 * The side of the feature maps at {@code level} (0: the input's) for an input side: each downsampler is a
	 * stride-2 3×3 convolution padded by downsample_padding (0: one pixel right and bottom, as diffusers). Skip and
	 * resnet downsamplers halve instead, the same for the sides {@link #checkInputSize} admits.
	 */
	public long levelSide(final long side, final int level) {
		long n = side;
		for (int l = 0; l < level; l++)
			n = downsamplePadding == 0 ? (n + 1 - 3) / 2 + 1 : (n + 2L * downsamplePadding - 3) / 2 + 1;
		return n;
	}

	/**
	 * Refuses an input size the network cannot take (sides not multiples of {@link #downsamplingFactor()}), before
	 * anything is allocated: libtorch would fail deep inside the up path with "Sizes of tensors must match".
	 *
	 * @param what names the input in the message, e.g. "the image /data/x.png"
	 */
	public void checkInputSize(final int height, final int width, final String what) {
		final int f = downsamplingFactor();
		if (height < 1 || width < 1 || height % f != 0 || width % f != 0) throw new IllegalArgumentException(what +
			" is " + width + "×" + height + ", but this model's sides must be multiples of " + f + " (its " +
			blockOutChannels.length + " down blocks halve the image " + (blockOutChannels.length - 1) +
			" times); crop or pad it to " + Math.max(f, width / f * f) + "×" + Math.max(f, height / f * f));
	}


	/** Typed access with messages that name the key and the value found. */
	private static final class Reader {

		private final JsonObject o;
		private final String source;

		Reader(final JsonObject o, final String source) {
			this.o = o;
			this.source = source;
		}

		ModelConfigException bad(final String key, final String expected) {
			return new ModelConfigException(source + ": config key '" + key + "' has value " + Echo.of(o.get(key)) +
				"; " + expected);
		}

		private JsonPrimitive primitive(final String key) {
			final JsonElement e = o.get(key);
			return e != null && e.isJsonPrimitive() ? e.getAsJsonPrimitive() : null;
		}

		int integer(final String key, final int min, final int dflt) throws ModelConfigException {
			if (!o.has(key)) return dflt;
			final Integer v = JsonInput.integer(o.get(key));
			if (v == null || v < min) throw bad(key, min == Integer.MIN_VALUE ? "expected an integer" :
				"expected an integer ≥ " + min);
			return v;
		}

		Integer optionalInteger(final String key, final Integer dflt) throws ModelConfigException {
			if (!o.has(key)) return dflt;
			if (o.get(key).isJsonNull()) return null;
			return integer(key, Integer.MIN_VALUE, 0);
		}

		double number(final String key, final double dflt) throws ModelConfigException {
			if (!o.has(key)) return dflt;
			final Double v = JsonInput.finiteNumber(o.get(key));
			if (v == null) throw bad(key, "expected a finite number");
			return v;
		}

		boolean bool(final String key, final boolean dflt) throws ModelConfigException {
			if (!o.has(key)) return dflt;
			final JsonPrimitive p = primitive(key);
			if (p == null || !p.isBoolean()) throw bad(key, "expected true or false");
			return p.getAsBoolean();
		}

		String string(final String key, final String dflt) throws ModelConfigException {
			if (!o.has(key)) return dflt;
			final JsonPrimitive p = primitive(key);
			if (p == null || !p.isString()) throw bad(key, "expected a string");
			return p.getAsString();
		}

		String optionalString(final String key, final String dflt) throws ModelConfigException {
			if (!o.has(key)) return dflt;
			if (o.get(key).isJsonNull()) return null;
			return string(key, dflt);
		}

		List<String> stringList(final String key, final List<String> dflt) throws ModelConfigException {
			if (!o.has(key)) return dflt;
			final JsonElement e = o.get(key);
			if (!e.isJsonArray()) throw bad(key, "expected a list of block type names");
			if (e.getAsJsonArray().size() > MAX_LEVELS) throw bad(key, "expected at most " + MAX_LEVELS + " blocks");
			final List<String> out = new ArrayList<>();
			for (final JsonElement x : e.getAsJsonArray()) {
				if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) throw bad(key,
					"expected a list of block type names");
				out.add(x.getAsString());
			}
			if (out.isEmpty()) throw bad(key, "expected at least one block");
			return Collections.unmodifiableList(out);
		}

		int[] intArray(final String key, final int min) throws ModelConfigException {
			final JsonElement e = o.get(key);
			if (e == null || !e.isJsonArray()) throw bad(key, "expected a list of integers");
			final JsonArray a = e.getAsJsonArray();
			if (a.size() == 0 || a.size() > 64) throw bad(key, "expected 1 to 64 integers");
			final int[] out = new int[a.size()];
			for (int i = 0; i < out.length; i++) {
				final Integer v = JsonInput.integer(a.get(i));
				if (v == null) throw bad(key, "expected a list of integers");
				if (v < min) throw bad(key, "expected integers ≥ " + min);
				out[i] = v;
			}
			return out;
		}
	}
}
