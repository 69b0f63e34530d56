package sc.fiji.scoresde.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.weights.SafeTensors;

/**
 * Any byte string given to the safetensors reader either reads or ends in a ModelFormatException; anything else
 * (another exception, an OutOfMemoryError, a hang) is a finding. Seed corpus: SafeTensorsFuzzTestInputs/.
 */
class SafeTensorsFuzzTest {

	@FuzzTest(maxDuration = "60s")
	void readerFailsOnlyWithModelFormatException(final byte[] data) throws Exception {
		try {
			SafeTensors.read(new SeekableInMemoryByteChannel(data), "fuzz input").values().forEach(t -> t
				.toFloatArray());
		}
		catch (final ModelFormatException e) {
			if (e.getMessage() == null || e.getMessage().isEmpty()) throw new AssertionError("error without message");
		}
	}
}
