package sc.fiji.scoresde.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import net.imagej.patcher.LegacyEnvironment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;

/**
 * Old recorded macros replay unchanged: every line in src/test/resources/macros-recorded (written by ImageJ 1's
 * recorder from the menus of an earlier build, see its README) runs in a headless ImageJ 1 with this plugin and must
 * make the same result: title, size and pixel hash, or for Log-likelihood the same figures.
 */
@Tag("own-jvm")
class RecordedMacrosReplayTest {

	static LegacyEnvironment ij1;

	@BeforeAll
	static void start() throws Exception {
		ij1 = new LegacyEnvironment(null, true);
		ij1.addPluginClasspath(PluginClasspath.entries());
	}

	static Stream<Arguments> cases() throws Exception {
		return RecordedMacros.load().values().stream().map(c -> Arguments.of(c.name, c));
	}

	static Map<String, String> paths(final Path dir) throws Exception {
		final Map<String, String> p = new LinkedHashMap<>();
		p.put("TINY", Fixtures.dir("ncsnpp-tiny").resolve("pipeline").toString());
		p.put("TINY_ARCH", Paths.get(RecordedMacrosReplayTest.class.getResource("/configs/tiny-train/config.json")
			.toURI()).toString());
		p.put("TRAIN_OUT", dir.resolve("trained").toString());
		return p;
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void recordedLineReplaysToTheSameResult(final String name, final RecordedMacros.Case c, @TempDir final Path dir)
		throws Exception
	{
		final Map<String, String> paths = paths(dir);
		final String line = RecordedMacros.resolve(c.get("line"), paths);
		assertFalse(line.contains("${"), "every placeholder known: " + line);
		final String macro = RecordedMacros.resolve(c.get("setup"), paths) + "\n" + line + "\n";
		if (c.get("figures") != null) {
			final Path figures = dir.resolve("figures.txt");
			ij1.runMacro(macro + "s = \"\";\nfor (i = 0; i < nResults; i++) {\n\tif (i > 0) s = s + \";\";\n" +
				"\ts = s + d2s(getResult(\"bits/dim\", i), 9) + \"/\" + getResult(\"NFE\", i);\n}\n" +
				"File.saveString(s, \"" + figures + "\");\n", "");
			assertEquals(c.get("figures"), Files.readString(figures).trim(), "the same bits/dim and NFE: " + line);
		}
		else if (c.get("title") != null) {
			final Path title = dir.resolve("title.txt"), tif = dir.resolve("result.tif");
			ij1.runMacro(macro + "File.saveString(getTitle(), \"" + title + "\");\nsaveAs(\"Tiff\", \"" + tif + "\");\n",
				"");
			assertTrue(Files.exists(tif), "the line made an image: " + line);
			assertEquals(c.get("title"), Files.readString(title).trim());
			final ImagePlus imp = IJ.openImage(tif.toString());
			assertNotNull(imp);
			assertEquals(c.get("shape"), RecordedMacros.shape(imp));
			assertEquals(c.get("sha256"), RecordedMacros.sha256(imp), "the same pixels: " + line);
		}
		else {
			ij1.runMacro(macro, "");
			final Path weights = Paths.get(paths.get("TRAIN_OUT"), "unet", "diffusion_pytorch_model.safetensors");
			assertTrue(Files.exists(weights), "the line trained a model: " + line);
			assertEquals(c.get("sha256"), RecordedMacros.sha256(weights), "the same weights: " + line);
		}
	}

	@org.junit.jupiter.api.Test
	void everyMenuEntryHasARecordedLine() throws Exception {
		final List<String> commands = RecordedMacros.load().values().stream().map(c -> c.get("command")).distinct()
			.sorted().collect(java.util.stream.Collectors.toList());
		for (final String entry : List.of("Generate (VE)...", "Inpaint (VE)...", "Colorize (VE)...",
			"Super-resolution (VE)...", "Denoise (VE)...", "Guided synthesis (VE)...", "Log-likelihood (VE)...",
			"Interpolate (VE)..."))
			assertTrue(commands.contains(entry), entry + " has a recorded line: " + commands);
	}
}
