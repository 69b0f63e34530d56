package sc.fiji.scoresde.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.weights.PickleFuzzing;

/**
 * Any byte string given to the restricted unpickler builds plain data or ends in a ModelFormatException; a dict it
 * builds is then read as a state dict whose storages are zero bytes of the size the pickle claims, up to the limit a
 * real archive entry would impose.
 */
class PickleFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void unpicklerFailsOnlyWithModelFormatException(final byte[] data) throws Exception {
		try {
			PickleFuzzing.load(data);
		}
		catch (final ModelFormatException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
	}
}
