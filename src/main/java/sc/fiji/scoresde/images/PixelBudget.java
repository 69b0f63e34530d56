package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import sc.fiji.scoresde.errors.Echo;

/**
 * How many pixels one command reads from one set of images (every page of every file of a folder or stack), added
 * up from the headers before any pixel is decoded: 300 blank 2048² PNGs of 4 KB each are refused in a few
 * milliseconds instead of filling the heap one page at a time.
 * <p>
 * The allowance is the JVM's maximum heap ({@link Runtime#maxMemory}) divided by {@value #HEAP_BYTES_PER_PIXEL}
 * bytes. A pixel read is kept as up to three float channels, and the training reader keeps the raw values and the
 * scaled ones (2 × 3 × 4 = 24 bytes); decoding a page adds a raster and an ARGB copy that live until the page is
 * converted; the rest of the heap stays for the model, its optimizer state and its activations. At 64 bytes per
 * pixel a full set takes under 40 % of the heap: the CLI's default -Xmx4g allows 2²⁶ pixels (the old per-file limit;
 * all 70,000 MNIST images of 28²), a 512 MB test JVM 2²³. A refused set costs only its headers, so refusing never
 * grows the heap.
 */
public final class PixelBudget {

	public static final long HEAP_BYTES_PER_PIXEL = 64;

	private final String set;
	private final long allowed;
	private long found;
	private long images;

	private PixelBudget(final String set, final long allowed) {
		this.set = set;
		this.allowed = allowed;
	}

	/** The budget of this JVM for the set named {@code set} (a path, in messages). */
	public static PixelBudget ofHeap(final String set) {
		return new PixelBudget(set, Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_PIXEL);
	}

	public long allowed() {
		return allowed;
	}

	/** Counts {@code count} images of {@code pixels} pixels in all (declared sizes, not yet decoded). */
	public void add(final long pixels, final long count) {
		found = pixels > Long.MAX_VALUE - found ? Long.MAX_VALUE : found + pixels;
		images += count;
	}

	/** Refuses the set when the pixels added so far exceed the allowance. */
	public void check() throws ModelFormatException {
		if (found <= allowed) return;
		final long heapMb = Runtime.getRuntime().maxMemory() >> 20;
		throw new ModelFormatException(Echo.of(set) + ": its " + images + (images == 1 ? " image declares " :
			" images declare ") + found + " pixels, more than the " + allowed + " one command reads at once (1/" +
			HEAP_BYTES_PER_PIXEL + " of Java's " + heapMb + " MB heap); read fewer images (the command's --count " +
			"or --limit), use smaller ones, or give Java more memory (JAVA_OPTS=-Xmx… for the command line, Edit › " +
			"Options › Memory & Threads in Fiji)");
	}
}
