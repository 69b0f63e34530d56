package sc.fiji.scoresde.images;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Small uncompressed classic TIFFs built byte by byte, so that tests can damage exactly one field: the next-IFD
 * offset of the last page (a loop), the version (BigTIFF), the first IFD offset. Each page is one strip of 8-bit
 * grey or 32-bit float samples followed by its IFD.
 */
public final class TestTiffs {

	private final ByteOrder order;
	private final List<Object> pages = new ArrayList<>();
	private final List<int[]> sizes = new ArrayList<>();
	private int loopTo = -1;

	private TestTiffs(final ByteOrder order) {
		this.order = order;
	}

	public static TestTiffs littleEndian() {
		return new TestTiffs(ByteOrder.LITTLE_ENDIAN);
	}

	public static TestTiffs bigEndian() {
		return new TestTiffs(ByteOrder.BIG_ENDIAN);
	}

	/** A page of 8-bit grey values, row by row. */
	public TestTiffs grey(final int width, final int height, final byte[] values) {
		pages.add(values.clone());
		sizes.add(new int[] { width, height });
		return this;
	}

	/** A page of 32-bit float samples, row by row. */
	public TestTiffs floats(final int width, final int height, final float[] values) {
		pages.add(values.clone());
		sizes.add(new int[] { width, height });
		return this;
	}

	/** The last page's next-IFD offset points back at the IFD of page {@code page} (0-based). */
	public TestTiffs loopBackTo(final int page) {
		loopTo = page;
		return this;
	}

	public byte[] bytes() {
		final ByteBuffer b = ByteBuffer.allocate(1 << 20).order(order);
		b.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M')).put(b.get(0)).putShort((short) 42).putInt(0);
		final int[] ifds = new int[pages.size()], nexts = new int[pages.size()];
		for (int p = 0; p < pages.size(); p++) {
			final int w = sizes.get(p)[0], h = sizes.get(p)[1], strip = b.position();
			final boolean floating = pages.get(p) instanceof float[];
			if (floating) for (final float v : (float[]) pages.get(p))
				b.putFloat(v);
			else b.put((byte[]) pages.get(p));
			final int stripBytes = b.position() - strip;
			if (b.position() % 2 == 1) b.put((byte) 0);
			ifds[p] = b.position();
			final int[][] entries = { { 256, 3, w }, { 257, 3, h }, { 258, 3, floating ? 32 : 8 }, { 259, 3, 1 }, {
				262, 3, 1 }, { 273, 4, strip }, { 277, 3, 1 }, { 278, 3, h }, { 279, 4, stripBytes }, { 339, 3,
					floating ? 3 : 1 } };
			b.putShort((short) entries.length);
			for (final int[] e : entries) {
				b.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
				if (e[1] == 3) b.putShort((short) e[2]).putShort((short) 0);
				else b.putInt(e[2]);
			}
			nexts[p] = b.position();
			b.putInt(0);
		}
		b.putInt(4, ifds[0]);
		for (int p = 0; p + 1 < pages.size(); p++)
			b.putInt(nexts[p], ifds[p + 1]);
		if (loopTo >= 0) b.putInt(nexts[pages.size() - 1], ifds[loopTo]);
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(b.array(), 0, b.position());
		return out.toByteArray();
	}
}
