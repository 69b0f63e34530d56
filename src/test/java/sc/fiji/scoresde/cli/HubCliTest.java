package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.hub.FakeHub;

/** {@code --model org/name} downloads through HF_ENDPOINT into HF_HUB_CACHE (given as system properties here). */
class HubCliTest {

	@Test
	void generateTakesAHubModelId(@TempDir final Path dir) throws Exception {
		try (FakeHub hub = new FakeHub("test-org/ncsnpp-tiny", Fixtures.dir("ncsnpp-tiny").resolve("pipeline"))) {
			System.setProperty("HF_ENDPOINT", hub.endpoint());
			System.setProperty("HF_HUB_CACHE", dir.resolve("hub").toString());
			final Path out = dir.resolve("out.npy");
			final GenerateCommandTest.Result r = GenerateCommandTest.run("generate", "--model", "test-org/ncsnpp-tiny",
				"--steps", "10", "--batch", "2", "--seed", "0", "--output", out.toString());
			assertEquals(0, r.code, r.err);
			assertTrue(r.err.contains("downloading unet/diffusion_pytorch_model.safetensors"), r.err);
			Fixtures.assertFinalImageClose("hub model", "ncsnpp-tiny", GenerateCommandTest.readNpy(out,
				new StringBuilder()));
			assertTrue(Files.isDirectory(dir.resolve("hub/models--test-org--ncsnpp-tiny/snapshots")));
			final GenerateCommandTest.Result info = GenerateCommandTest.run("info", "--model", "test-org/ncsnpp-tiny");
			assertTrue(info.out.contains("parameters: 450,204"), info.out + info.err);
			final GenerateCommandTest.Result bad = GenerateCommandTest.run("info", "--model", "test-org/absent");
			assertEquals(1, bad.code);
			assertTrue(bad.err.contains("HTTP 404"), bad.err);
		}
		finally {
			System.clearProperty("HF_ENDPOINT");
			System.clearProperty("HF_HUB_CACHE");
		}
	}
}
