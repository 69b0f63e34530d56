package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

import sc.fiji.scoresde.Fixtures;

class InfoCommandTest {

	@Test
	void reportsTheParameterCountOfTheTinyFixture() {
		final GenerateCommandTest.Result r = GenerateCommandTest.run("info", "--model", GenerateCommandTest
			.tinyPipeline());
		assertEquals(0, r.code, r.err);
		assertTrue(r.out.contains("parameters: 450,204"), r.out);
		assertTrue(r.out.contains("AttnSkipDownBlock2D"), r.out);
	}

	@Test
	void buildsTheCelebaHqArchitectureFromItsConfigAlone() throws Exception {
		for (final String[] c : new String[][] { { "ncsnpp-celebahq-256", "65,574,549" }, { "ncsnpp-ffhq-1024",
			"105,785,896" } })
		{
			final String dir = Paths.get(Fixtures.class.getResource("/configs/" + c[0] + "/config.json").toURI())
				.getParent().toString();
			final GenerateCommandTest.Result r = GenerateCommandTest.run("info", "--model", dir);
			assertEquals(0, r.code, r.err);
			assertTrue(r.out.contains("parameters: " + c[1]), c[0] + ": " + r.out);
			assertTrue(r.out.contains("config only"), r.out);
		}
	}
}
