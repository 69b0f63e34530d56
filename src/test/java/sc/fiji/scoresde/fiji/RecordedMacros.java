package sc.fiji.scoresde.fiji;

import ij.ImagePlus;
import ij.process.ImageProcessor;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The macro lines ImageJ 1's recorder wrote for each menu entry, with what they made (src/test/resources/
 * macros-recorded, see its README): one properties file per case. Paths that differ between machines are written as
 * placeholders ({@code ${TINY}}, {@code ${TINY_ARCH}}, {@code ${TRAIN_OUT}}).
 */
public final class RecordedMacros {

	public static final String FOLDER = "macros-recorded";

	/** One recorded case: the macro that sets up the input images, the recorded line and its results. */
	public static final class Case {

		public final String name;
		public final Properties p;

		Case(final String name, final Properties p) {
			this.name = name;
			this.p = p;
		}

		public String get(final String key) {
			return p.getProperty(key);
		}
	}

	private RecordedMacros() {}

	/** The stored cases by name (the file name without .properties). */
	public static Map<String, Case> load() throws IOException {
		final Path folder;
		try {
			folder = Paths.get(RecordedMacros.class.getResource("/" + FOLDER + "/README.md").toURI()).getParent();
		}
		catch (final URISyntaxException | NullPointerException e) {
			throw new IllegalStateException(FOLDER + " is missing from the test resources", e);
		}
		final Map<String, Case> out = new TreeMap<>();
		try (var files = Files.list(folder)) {
			for (final Path f : (Iterable<Path>) files::iterator) {
				final String file = f.getFileName().toString();
				if (!file.endsWith(".properties")) continue;
				final Properties p = new Properties();
				try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
					p.load(r);
				}
				final String name = file.substring(0, file.length() - ".properties".length());
				out.put(name, new Case(name, p));
			}
		}
		return out;
	}

	public static void store(final Path folder, final String name, final Map<String, String> values)
		throws IOException
	{
		// one key at a time in sorted order, so that a re-recording diffs cleanly
		final StringBuilder text = new StringBuilder("# recorded by " + RecordedMacros.class.getName() +
			"; see README.md\n");
		for (final Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
			final Properties one = new Properties();
			one.setProperty(e.getKey(), e.getValue());
			final java.io.StringWriter w = new java.io.StringWriter();
			one.store(w, null);
			for (final String line : w.toString().split("\n"))
				if (!line.startsWith("#")) text.append(line).append('\n');
		}
		Files.createDirectories(folder);
		Files.writeString(folder.resolve(name + ".properties"), text.toString());
	}

	/** Replaces the placeholders by this machine's paths. */
	public static String resolve(final String text, final Map<String, String> paths) {
		String out = text;
		for (final Map.Entry<String, String> e : paths.entrySet())
			out = out.replace("${" + e.getKey() + "}", e.getValue());
		return out;
	}

	/** Width × height × planes and bit depth, e.g. "28x28x2 8-bit". */
	public static String shape(final ImagePlus imp) {
		return imp.getWidth() + "x" + imp.getHeight() + "x" + imp.getStackSize() + " " + imp.getBitDepth() + "-bit";
	}

	/** SHA-256 of every plane's pixel values in stack order (float planes by their bits). */
	public static String sha256(final ImagePlus imp) {
		final MessageDigest md;
		try {
			md = MessageDigest.getInstance("SHA-256");
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
		final int plane = imp.getWidth() * imp.getHeight();
		final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * plane);
		for (int s = 1; s <= imp.getStackSize(); s++) {
			final ImageProcessor ip = imp.getStack().getProcessor(s);
			b.clear();
			for (int i = 0; i < plane; i++)
				b.putInt(imp.getBitDepth() == 32 ? Float.floatToIntBits(ip.getf(i)) : ip.get(i));
			md.update(b.array());
		}
		final StringBuilder hex = new StringBuilder();
		for (final byte x : md.digest())
			hex.append(String.format("%02x", x));
		return hex.toString();
	}

	/** SHA-256 of a file's bytes. */
	public static String sha256(final Path file) throws IOException {
		try {
			final StringBuilder hex = new StringBuilder();
			for (final byte x : MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)))
				hex.append(String.format("%02x", x));
			return hex.toString();
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
