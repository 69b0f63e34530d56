package sc.fiji.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

import org.junit.jupiter.api.Test;

/** What the user reads when a run fails: one line, at most 1000 characters, no exception class names. */
class ErrorLineTest {

	@Test
	void aVeryLongMessageIsCut() {
		final String line = Main.oneLine(new IllegalArgumentException("value '" + "9".repeat(100_000) + "' is bad"));
		assertTrue(line.length() < 1100, "length " + line.length());
		assertTrue(line.endsWith("(100015 characters)"), line.substring(line.length() - 40));
	}

	@Test
	void textsWrittenForProgrammersBecomeASentence() {
		for (final Throwable raw : new Throwable[] { new NullPointerException(), new NullPointerException(
			"Cannot invoke \"com.google.gson.JsonElement.getAsInt()\" because the return value is null"),
			new NumberFormatException("For input string: \"12x\""), new ClassCastException(
				"class com.google.gson.JsonPrimitive cannot be cast to class com.google.gson.JsonObject"),
			new ArrayIndexOutOfBoundsException(7), new RuntimeException(new NullPointerException()) }) {
			final String line = Main.oneLine(raw);
			assertTrue(line.startsWith("an internal error stopped the run"), line);
			for (final String word : new String[] { "Exception", "For input string", "JsonObject", "Cannot invoke" })
				assertFalse(line.contains(word), line);
		}
	}

	@Test
	void wrappedCausesLoseTheirClassNames() {
		assertEquals("No space left on device", Main.oneLine(new RuntimeException(new IOException(
			"No space left on device"))));
		assertEquals("no such file or folder: /data/x.png", Main.oneLine(new NoSuchFileException("/data/x.png")));
		assertEquals("decoding failed: bad header", Main.oneLine(new IOException(
			"decoding failed: java.lang.IllegalStateException: bad header")));
	}

	@Test
	void controlCharactersOfEchoedInputDoNotReachTheTerminal() {
		final String line = Main.oneLine(new IllegalArgumentException("file 'a\u001b[2Jb\nc' is bad"));
		assertFalse(line.chars().anyMatch(Character::isISOControl), line);
	}

	@Test
	void runningOutOfMemoryIsOneLineWithAHint() {
		final String line = Main.oneLine(new OutOfMemoryError("Java heap space"));
		assertTrue(line.contains("ran out of memory") && line.contains("-Xmx"), line);
	}
}
