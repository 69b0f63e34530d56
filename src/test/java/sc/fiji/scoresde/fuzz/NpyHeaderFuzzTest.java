package sc.fiji.scoresde.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;

import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.images.NpyReader;

/**
 * Any header text of a .npy file either reads or ends in a ModelFormatException with a short message, and within
 * {@link #PER_INPUT}: an input that takes longer is a finding, in fuzzing mode as in regression mode. The input is
 * the header alone (the dict text numpy writes), framed here as a format 1.0 file without data bytes, so the fuzzer
 * spends its time on the header's syntax; NpyFuzzTest mutates whole files. Seed corpus: NpyHeaderFuzzTestInputs/
 * (headers numpy 2.4 wrote for eight arrays: float32, uint8 RGB, big-endian uint16, 1-D float64, 0-D, Fortran
 * order, structured and object dtypes; and three by hand: double quotes, Python 2 longs, a key given twice).
 * <p>
 * The time limit is checked here rather than with JUnit's {@code @Timeout}: jazzer-junit turns that annotation into
 * libFuzzer's per-input -timeout, but JUnit under Maven also applies it to the whole fuzzing run, which then fails
 * after the limit however fast each input is.
 */
class NpyHeaderFuzzTest {

	/** far above the microseconds a header takes; long enough not to trip on a loaded machine */
	static final Duration PER_INPUT = Duration.ofSeconds(5);

	@FuzzTest(maxDuration = "60s")
	void npyHeaderParserFailsOnlyWithModelFormatExceptionInTime(final byte[] header) {
		final byte[] file = framed(Arrays.copyOf(header, Math.min(header.length, 0xffff)));
		assertTimeoutPreemptively(PER_INPUT, () -> {
			try {
				NpyFuzzTest.check(NpyReader.read(file, "fuzz.npy"));
			}
			catch (final ModelFormatException e) {
				final String m = e.getMessage();
				if (m == null || m.isEmpty()) throw new AssertionError("error without message");
				if (m.length() > 1000) throw new AssertionError("a message of " + m.length() + " characters");
			}
		});
	}

	/** A .npy file of format 1.0 with this header and no data. */
	static byte[] framed(final byte[] header) {
		return ByteBuffer.allocate(10 + header.length).order(ByteOrder.LITTLE_ENDIAN).put(new byte[] { (byte) 0x93,
			'N', 'U', 'M', 'P', 'Y', 1, 0 }).putShort((short) header.length).put(header).array();
	}
}
