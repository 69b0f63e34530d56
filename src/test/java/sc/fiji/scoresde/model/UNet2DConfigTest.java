package sc.fiji.scoresde.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.errors.Echo;

/** config.json values the network cannot honour are refused from the file, in a sentence naming the key. */
class UNet2DConfigTest {

	private static final String SOURCE = "/m/unet/config.json";

	/** The bundled demo model's config: 3 levels of DownBlock2D/AttnDownBlock2D with conv downsamplers, 28×28. */
	static String demo() throws Exception {
		return new String(UNet2DConfigTest.class.getResourceAsStream("/sc/fiji/scoresde/default-model/unet/config.json")
			.readAllBytes(), StandardCharsets.UTF_8);
	}

	static String ncsnppTiny() throws Exception {
		return Files.readString(Fixtures.dir("ncsnpp-tiny").resolve("pipeline/unet/config.json"));
	}

	/** The demo config with one key's value replaced by raw JSON text. */
	static String demoWith(final String key, final String json) throws Exception {
		final String base = demo();
		final String out = base.replaceFirst("\"" + key + "\": (\\[[^\\]]*\\]|[^,\\n]+)", "\"" + key + "\": " +
			java.util.regex.Matcher.quoteReplacement(json));
		assertFalse(out.equals(base), key);
		return out;
	}

	private static String refused(final String json) {
		final ModelConfigException e = assertThrows(ModelConfigException.class, () -> UNet2DConfig.parse(json,
			SOURCE));
		assertSentence(e.getMessage());
		return e.getMessage();
	}

	/** One short line naming the file, without Java or Gson texts. */
	private static void assertSentence(final String message) {
		assertTrue(message.startsWith(SOURCE), message);
		assertTrue(message.length() < 500, () -> message.length() + " characters: " + Echo.of(message));
		for (final String raw : List.of("Exception", "JsonObject", "JsonPrimitive", "JsonArray", "For input string",
			"com.google", "java.", "Infinity"))
			assertFalse(message.contains(raw), message);
	}

	@Test
	void aSampleSizeTheDownBlocksCannotHalveEvenlyIsRefusedFromTheConfig() throws Exception {
		final String m = refused(demoWith("sample_size", "33"));
		assertTrue(m.contains("sample_size 33") && m.contains("multiple of 4"), m);
		assertTrue(refused(demoWith("sample_size", "[28, 30]")).contains("[28, 30]"));
		refused(ncsnppTiny().replace("\"sample_size\": 32", "\"sample_size\": 28"));
		assertEquals(28, UNet2DConfig.parse(demo(), SOURCE).height());
	}

	@Test
	void downsamplePaddingThatBreaksTheSkipConnectionsIsRefused() throws Exception {
		final String m = refused(demoWith("downsample_padding", "40"));
		assertTrue(m.contains("downsample_padding 40") && m.contains("expected 0 or 1"), m);
		UNet2DConfig.parse(demoWith("downsample_padding", "0"), SOURCE);
	}

	@Test
	void valuesOfTheWrongKindGiveASentenceNamingTheKey() throws Exception {
		final String[][] cases = { { "sample_size", "{\"a\": 1}" }, { "sample_size", "\"28\"" },
			{ "sample_size", "1e999" }, { "sample_size", "28.5" }, { "sample_size", "[28]" }, { "layers_per_block",
				"[1]" }, { "layers_per_block", "null" }, { "layers_per_block", "99999999999" }, { "norm_eps", "\"x\"" },
			{ "norm_eps", "1e400" }, { "block_out_channels", "[32, \"a\", 64]" }, { "block_out_channels", "3" },
			{ "down_block_types", "{\"a\": 1}" }, { "down_block_types", "[1, 2, 3]" }, { "act_fn", "[\"silu\"]" },
			{ "add_attention", "\"yes\"" }, { "attention_head_dim", "{}" }, { "_class_name", "[\"UNet2DModel\"]" },
			{ "_class_name", "{\"x\": 1}" }, { "num_train_timesteps", "-5" } };
		for (final String[] c : cases) {
			final String m = refused(demoWith(c[0], c[1]));
			assertTrue(m.contains(c[0]), () -> c[0] + " = " + c[1] + ": " + m);
		}
		refused("[1, 2, 3]");
		refused("{\"sample_size\": 28,}x");
		refused("{\"" + "k".repeat(1_000_000) + "\": 1}");
		refused(demoWith("act_fn", "\"" + "x".repeat(1_000_000) + "\""));
		refused(demoWith("down_block_types", "[" + "\"DownBlock2D\",".repeat(100_000) + "\"DownBlock2D\"]"));
	}

	@Test
	void aThreeMegabyteNumberIsRefusedAtOnceWithAShortMessage() throws Exception {
		final String digits = "1" + "0".repeat(3_000_000);
		for (final String key : new String[] { "layers_per_block", "norm_eps", "sample_size" }) {
			final String json = demoWith(key, digits);
			final String m = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(json));
			assertTrue(m.contains(key) && m.contains("characters"), m);
		}
		final String list = demoWith("block_out_channels", "[32, " + digits + ", 64]");
		assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(list)).contains(
			"block_out_channels"));
	}

	@Test
	void everyBundledAndPublishedUNetConfigStillLoads() throws Exception {
		final List<Path> files;
		try (Stream<Path> s = Stream.concat(Files.walk(Paths.get("src/main/resources")), Files.walk(Paths.get(
			"src/test/resources"))))
		{
			files = s.filter(p -> p.toString().contains("configs") || p.toString().contains("architectures") || p
				.getFileName().toString().equals("config.json"))
				.filter(p -> p.toString().endsWith(".json")).collect(Collectors.toList());
		}
		assertTrue(files.size() >= 14, files.toString());
		for (final Path f : files)
			UNet2DConfig.parse(Files.readString(f), f.toString());
	}
}
