package sc.fiji.scoresde.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EchoTest {

	@Test
	void shortValuesAreRepeatedWhole() {
		assertEquals("'sample_size'", Echo.quoted("sample_size"));
	}

	@Test
	void longValuesAreCutAndSayTheirLength() {
		final StringBuilder digits = new StringBuilder();
		for (int i = 0; i < 3_000_000; i++) digits.append('9');
		final String shown = Echo.of(digits);
		assertTrue(shown.length() < Echo.MAX_CHARS + 40, shown.length() + " characters shown");
		assertTrue(shown.endsWith("(3000000 characters)"), shown);
	}
}
