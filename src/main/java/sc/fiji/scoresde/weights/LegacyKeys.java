package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the state-dict key names of older diffusers checkpoints (the {@code google/ncsnpp-*} hub files) onto the
 * current ones, as diffusers' {@code _convert_deprecated_attention_blocks} (modeling_utils.py) and its
 * GaussianFourierProjection (whose {@code weight} is the same tensor as {@code W}) do.
 */
public final class LegacyKeys {

	private static final Pattern ATTENTION = Pattern.compile("(.*\\.attentions\\.\\d+)\\.(query|key|value|proj_attn)" +
		"\\.(weight|bias)");
	private static final Map<String, String> RENAMED = Map.of("query", "to_q", "key", "to_k", "value", "to_v",
		"proj_attn", "to_out.0");

	private LegacyKeys() {}

	public static Map<String, HostTensor> toCurrent(final Map<String, HostTensor> stateDict) {
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Map.Entry<String, HostTensor> kv : stateDict.entrySet()) {
			final Matcher m = ATTENTION.matcher(kv.getKey());
			final String key = m.matches() ? m.group(1) + "." + RENAMED.get(m.group(2)) + "." + m.group(3) : kv.getKey();
			if (key.equals("time_proj.W")) continue;
			out.put(key, kv.getValue());
		}
		// time_proj.weight and time_proj.W are one parameter; loading both, torch copies W last, so W wins
		final HostTensor w = stateDict.get("time_proj.W");
		if (w != null) out.put("time_proj.weight", w);
		return out;
	}
}
