package sc.fiji.scoresde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.log.LogService;

class QuietLogServiceTest {

	@Test
	void anErrorReachesListenersAndIsNotEchoedAsAMavenErrorLine() {
		final ByteArrayOutputStream captured = new ByteArrayOutputStream();
		final PrintStream err = System.err;
		final List<String> heard = new ArrayList<>();
		try (Context context = new Context(LogService.class)) {
			final LogService log = context.service(LogService.class);
			assertTrue(log instanceof QuietLogService, log.getClass().getName());
			log.addLogListener(m -> heard.add(m.text()));
			System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
			log.error("the model folder has no unet", new IllegalStateException("why"));
		}
		finally {
			System.setErr(err);
		}
		final String echoed = captured.toString(StandardCharsets.UTF_8);
		assertEquals(List.of("the model folder has no unet"), heard);
		assertFalse(echoed.contains("[ERROR]"), echoed);
		assertEquals("scijava log, error: the model folder has no unet (java.lang.IllegalStateException: why)",
			echoed.trim());
	}
}
