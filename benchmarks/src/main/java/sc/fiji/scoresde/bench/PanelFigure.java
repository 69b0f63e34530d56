package sc.fiji.scoresde.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import sc.fiji.scoresde.io.AtomicFiles;

/**
 * A figure of grey or colour panels in rows and labelled columns (for the README's before/after pictures): every
 * panel is one planar (C, H, W) image in [0, 1], C = 1 or 3, drawn enlarged by nearest neighbour; values outside
 * [0, 1] are clamped. Written as one PNG, atomically.
 */
public final class PanelFigure {

	/** Pixels between panels and around the figure. */
	static final int GAP = 4;
	/** Height of the band of column labels. */
	static final int LABEL_HEIGHT = 20;

	private final List<String> columns;
	private final int height, width, zoom;
	private final List<float[][]> rows = new ArrayList<>();
	private final List<Integer> rowChannels = new ArrayList<>();

	public PanelFigure(final List<String> columns, final int height, final int width, final int zoom) {
		if (columns.isEmpty()) throw new IllegalArgumentException("a figure needs at least one column");
		if (height < 1 || width < 1 || zoom < 1 || zoom > 64 || (long) height * width * zoom * zoom > 1 << 24)
			throw new IllegalArgumentException("panel " + width + "×" + height + " at zoom " + zoom + " is out of range");
		this.columns = List.copyOf(columns);
		this.height = height;
		this.width = width;
		this.zoom = zoom;
	}

	/** Adds a row; one panel per column, each C·H·W values with the same C. */
	public PanelFigure row(final int channels, final float[]... panels) {
		if (channels != 1 && channels != 3) throw new IllegalArgumentException("panels have 1 or 3 channels, not " +
			channels);
		if (panels.length != columns.size()) throw new IllegalArgumentException("row has " + panels.length +
			" panels; the figure has " + columns.size() + " columns");
		for (final float[] p : panels)
			if (p.length != channels * height * width) throw new IllegalArgumentException("panel holds " + p.length +
				" values; " + channels + "×" + height + "×" + width + " expected");
		rows.add(panels.clone());
		rowChannels.add(channels);
		return this;
	}

	public int imageWidth() {
		return GAP + columns.size() * (width * zoom + GAP);
	}

	public int imageHeight() {
		return LABEL_HEIGHT + GAP + rows.size() * (height * zoom + GAP);
	}

	/** Top-left corner (x, y) of panel (row, column) in the figure. */
	public int[] origin(final int row, final int column) {
		return new int[] { GAP + column * (width * zoom + GAP), LABEL_HEIGHT + GAP + row * (height * zoom + GAP) };
	}

	public BufferedImage render() {
		final BufferedImage img = new BufferedImage(imageWidth(), imageHeight(), BufferedImage.TYPE_INT_RGB);
		final Graphics2D g = img.createGraphics();
		try {
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, img.getWidth(), img.getHeight());
			g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
			g.setColor(Color.BLACK);
			g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
			final FontMetrics m = g.getFontMetrics();
			for (int c = 0; c < columns.size(); c++) {
				final int x = origin(0, c)[0] + (width * zoom - m.stringWidth(columns.get(c))) / 2;
				g.drawString(columns.get(c), Math.max(0, x), LABEL_HEIGHT - 5);
			}
		}
		finally {
			g.dispose();
		}
		final int plane = height * width;
		for (int r = 0; r < rows.size(); r++)
			for (int c = 0; c < columns.size(); c++) {
				final float[] p = rows.get(r)[c];
				final boolean grey = rowChannels.get(r) == 1;
				final int[] o = origin(r, c);
				for (int y = 0; y < height * zoom; y++)
					for (int x = 0; x < width * zoom; x++) {
						final int i = (y / zoom) * width + x / zoom;
						final int red = byteOf(p[i]), green = grey ? red : byteOf(p[plane + i]), blue = grey ? red : byteOf(
							p[2 * plane + i]);
						img.setRGB(o[0] + x, o[1] + y, red << 16 | green << 8 | blue);
					}
			}
		return img;
	}

	public Path write(final Path target) throws IOException {
		if (rows.isEmpty()) throw new IllegalStateException("the figure has no rows");
		final BufferedImage img = render();
		AtomicFiles.write(target, out -> {
			if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
		});
		return target;
	}

	/** The 8-bit value as {@code GeneratedImages.toUint8} gives it (round half even of v·255), v clamped to [0, 1]. */
	static int byteOf(final float v) {
		final float c = Float.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
		return (int) Math.rint(c * 255f);
	}
}
