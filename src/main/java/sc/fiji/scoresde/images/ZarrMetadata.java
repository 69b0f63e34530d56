package sc.fiji.scoresde.images;

import sc.fiji.scoresde.io.BoundedFiles;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sc.fiji.scoresde.errors.Echo;

/**
 * The metadata of an existing {@link ZarrImageStack}, read from 0/.zarray and .zattrs and checked field by field.
 * Each file must be a regular file of at most {@link #MAX_BYTES} and nest at most {@link #MAX_DEPTH} levels: what
 * this class writes is about 1 KB, two levels deep.
 */
final class ZarrMetadata {

	static final int MAX_BYTES = 1 << 20;
	/** deeper JSON would overflow the stack of Gson's recursive printing and comparing */
	static final int MAX_DEPTH = 64;
	private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,10}");
	private static final Pattern JSON_ERROR_PLACE = Pattern.compile("line \\d+ column \\d+");

	final int count, channels, height, width;
	/** chunks are zlib streams; false: raw values (compressor null) */
	final boolean zlib;
	final JsonObject description;

	private ZarrMetadata(final int[] shape, final boolean zlib, final JsonObject description) {
		this.count = shape[0];
		this.channels = shape[1];
		this.height = shape[2];
		this.width = shape[3];
		this.zlib = zlib;
		this.description = description;
	}

	static ZarrMetadata read(final Path root, final long maxPixelsPerImage) throws IOException {
		final Path arrayFile = root.resolve("0").resolve(".zarray");
		final JsonObject array = json(arrayFile);
		final JsonObject attrs = json(root.resolve(".zattrs"));
		expect(array, "zarr_format", "2", arrayFile);
		expect(array, "dtype", "\"<f4\"", arrayFile);
		expect(array, "order", "\"C\"", arrayFile);
		expect(array, "dimension_separator", "\"/\"", arrayFile);
		final JsonElement compressor = array.get("compressor");
		final boolean zlib = compressor != null && !compressor.isJsonNull();
		if (zlib && !(compressor.isJsonObject() && "\"zlib\"".equals(String.valueOf(compressor.getAsJsonObject().get(
			"id"))))) throw new IllegalArgumentException(arrayFile + ": \"compressor\" is " + Echo.of(compressor) +
				", expected null or {\"id\": \"zlib\"}");
		final int[] shape = sizes(array, "shape", arrayFile);
		final int[] chunks = sizes(array, "chunks", arrayFile);
		if (chunks[0] != 1 || chunks[1] != shape[1] || chunks[2] != shape[2] || chunks[3] != shape[3])
			throw new IllegalArgumentException(arrayFile + ": \"chunks\" is " + Echo.of(array.get("chunks")) +
				", expected one whole image each: [1, " + shape[1] + ", " + shape[2] + ", " + shape[3] + "]");
		if ((long) shape[1] * shape[2] * shape[3] > maxPixelsPerImage) throw new IllegalArgumentException(arrayFile +
			": \"shape\" " + Echo.of(array.get("shape")) + " declares images of more than " + maxPixelsPerImage +
			" values");
		final JsonElement d = attrs.get(ZarrImageStack.DESCRIPTION_KEY);
		if (d == null || !d.isJsonObject()) throw new IllegalArgumentException(root.resolve(".zattrs") + " has no \"" +
			ZarrImageStack.DESCRIPTION_KEY + "\" object (not written by score-sde)");
		return new ZarrMetadata(shape, zlib, d.getAsJsonObject());
	}

	/** The four sizes (image, channel, y, x) under {@code key}, each a whole number from 1 to 2³¹ − 1. */
	private static int[] sizes(final JsonObject array, final String key, final Path file) {
		final JsonElement e = array.get(key);
		final int[] out = new int[4];
		final JsonArray a = e != null && e.isJsonArray() ? e.getAsJsonArray() : null;
		boolean valid = a != null && a.size() == 4;
		for (int i = 0; valid && i < 4; i++) {
			final JsonElement v = a.get(i);
			valid = v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber() && WHOLE_NUMBER.matcher(v.getAsString())
				.matches() && Long.parseLong(v.getAsString()) <= Integer.MAX_VALUE && Long.parseLong(v.getAsString()) >= 1;
			if (valid) out[i] = Integer.parseInt(v.getAsString());
		}
		if (!valid) throw new IllegalArgumentException(file + ": \"" + key + "\" is " + Echo.of(e) + ", expected " +
			"four whole numbers from 1 to " + Integer.MAX_VALUE + " (image, channel, y, x)");
		return out;
	}

	private static void expect(final JsonObject o, final String key, final String json, final Path file) {
		final JsonElement e = o.get(key);
		if (e == null || !e.toString().equals(json)) throw new IllegalArgumentException(file + ": \"" + key + "\" is " +
			Echo.of(e) + ", expected " + json);
	}

	private static JsonObject json(final Path file) throws IOException {
		final byte[] bytes;
		try {
			bytes = BoundedFiles.read(file, MAX_BYTES, IllegalArgumentException::new);
		}
		catch (final NoSuchFileException e) {
			throw new IllegalArgumentException(file + " is missing: " + file.getParent() + " is not a score-sde Zarr " +
				"image stack");
		}
		final String text = new String(bytes, StandardCharsets.UTF_8);
		if (depth(text) > MAX_DEPTH) throw new IllegalArgumentException(file + " nests more than " + MAX_DEPTH +
			" levels of [ and {; it is not the metadata of a score-sde image stack");
		try {
			final JsonElement e = JsonParser.parseString(text);
			if (e.isJsonObject()) return e.getAsJsonObject();
		}
		catch (final JsonParseException e) {
			final Matcher m = JSON_ERROR_PLACE.matcher(String.valueOf(e.getMessage()));
			throw new IllegalArgumentException(file + " is not a JSON object (malformed" + (m.find() ? " at " + m.group()
				: "") + ")");
		}
		throw new IllegalArgumentException(file + " is not a JSON object");
	}

	/** The deepest nesting of [ and { outside strings. */
	static int depth(final String json) {
		int depth = 0, deepest = 0;
		boolean inString = false;
		for (int i = 0; i < json.length(); i++) {
			final char c = json.charAt(i);
			if (inString) {
				if (c == '\\') i++;
				else if (c == '"') inString = false;
			}
			else if (c == '"') inString = true;
			else if (c == '[' || c == '{') deepest = Math.max(deepest, ++depth);
			else if (c == ']' || c == '}') depth--;
		}
		return deepest;
	}
}
