package sc.fiji.scoresde.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * huggingface_hub's settings, read as it reads them: HF_ENDPOINT, HF_HOME (default ~/.cache/huggingface, or
 * $XDG_CACHE_HOME/huggingface), HF_HUB_CACHE (default $HF_HOME/hub), HF_HUB_OFFLINE, HF_TOKEN (else the token file
 * $HF_HOME/token). Each may also be given as a Java system property of the same name, which wins (Fiji has no
 * shell to set variables in).
 */
public final class HubSettings {

	public final String endpoint;
	public final Path cache;
	public final boolean offline;
	/** null when none is configured */
	public final String token;

	public HubSettings(final String endpoint, final Path cache, final boolean offline, final String token) {
		this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
		this.cache = cache;
		this.offline = offline;
		this.token = token == null || token.trim().isEmpty() ? null : token.trim();
	}

	public static HubSettings fromEnvironment() {
		final Map<String, String> env = new HashMap<>(System.getenv());
		for (final String key : new String[] { "HF_ENDPOINT", "HF_HOME", "HF_HUB_CACHE", "HF_HUB_OFFLINE", "HF_TOKEN",
			"XDG_CACHE_HOME" })
		{
			final String p = System.getProperty(key);
			if (p != null) env.put(key, p);
		}
		return from(env);
	}

	public static HubSettings from(final Map<String, String> env) {
		final String endpoint = nonEmpty(env.get("HF_ENDPOINT"), "https://huggingface.co");
		final String xdg = nonEmpty(env.get("XDG_CACHE_HOME"), Paths.get(System.getProperty("user.home"), ".cache")
			.toString());
		final Path home = Paths.get(nonEmpty(env.get("HF_HOME"), Paths.get(xdg, "huggingface").toString()));
		final Path cache = Paths.get(nonEmpty(env.get("HF_HUB_CACHE"), home.resolve("hub").toString()));
		final String off = env.getOrDefault("HF_HUB_OFFLINE", "").trim().toLowerCase(Locale.ROOT);
		final boolean offline = off.equals("1") || off.equals("true") || off.equals("yes") || off.equals("on");
		String token = env.get("HF_TOKEN");
		if (token == null || token.trim().isEmpty()) {
			final Path file = home.resolve("token");
			try {
				if (Files.isRegularFile(file)) token = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
			}
			catch (final IOException e) {
				token = null;
			}
		}
		return new HubSettings(endpoint, cache, offline, token);
	}

	private static String nonEmpty(final String v, final String fallback) {
		return v == null || v.trim().isEmpty() ? fallback : v.trim();
	}
}
