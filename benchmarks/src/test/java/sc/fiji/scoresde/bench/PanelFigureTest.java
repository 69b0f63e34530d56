package sc.fiji.scoresde.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanelFigureTest {

	/** Each panel lands enlarged at its origin, grey and colour rows alike, clamped to [0, 1]; the PNG reads back. */
	@Test
	void panelsAreDrawnWhereTheLayoutSays(@TempDir final Path dir) throws Exception {
		final PanelFigure f = new PanelFigure(List.of("a", "b"), 2, 3, 2);
		final float[] ramp = { 0, 0.2f, 0.4f, 0.6f, 0.8f, 1 };
		final float[] out = { -1, 2, Float.NaN, 0.5f, 0.5f, 0.5f };
		f.row(1, ramp, out);
		final float[] rgb = new float[18];
		rgb[0] = 1; // red at (0, 0)
		rgb[6 + 4] = 1; // green at (1, 1)
		f.row(3, rgb, rgb);
		assertEquals(PanelFigure.GAP + 2 * (3 * 2 + PanelFigure.GAP), f.imageWidth());
		assertEquals(PanelFigure.LABEL_HEIGHT + PanelFigure.GAP + 2 * (2 * 2 + PanelFigure.GAP), f.imageHeight());
		final Path file = f.write(dir.resolve("figure.png"));
		final BufferedImage img = ImageIO.read(file.toFile());
		assertEquals(f.imageWidth(), img.getWidth());
		assertEquals(f.imageHeight(), img.getHeight());
		final int[] a = f.origin(0, 0), b = f.origin(0, 1), c = f.origin(1, 1);
		assertEquals(grey(51), img.getRGB(a[0] + 2, a[1] + 1) & 0xffffff, "pixel (y 0, x 1) of the ramp, zoomed 2×");
		assertEquals(grey(255), img.getRGB(a[0] + 5, a[1] + 3) & 0xffffff);
		assertEquals(grey(0), img.getRGB(b[0], b[1]) & 0xffffff, "−1 clamps to 0");
		assertEquals(grey(255), img.getRGB(b[0] + 2, b[1]) & 0xffffff, "2 clamps to 1");
		assertEquals(grey(0), img.getRGB(b[0] + 4, b[1]) & 0xffffff, "NaN is drawn black");
		assertEquals(0xff0000, img.getRGB(c[0] + 1, c[1] + 1) & 0xffffff);
		assertEquals(0x00ff00, img.getRGB(c[0] + 2, c[1] + 2) & 0xffffff);
		assertEquals(0xffffff, img.getRGB(0, 0) & 0xffffff, "white border");
		boolean ink = false;
		for (int x = 0; x < img.getWidth(); x++)
			for (int y = 0; y < PanelFigure.LABEL_HEIGHT; y++)
				ink |= (img.getRGB(x, y) & 0xffffff) != 0xffffff;
		assertTrue(ink, "column labels are drawn");
	}

	@Test
	void badPanelsAreRefusedAndNothingIsWritten(@TempDir final Path dir) {
		final PanelFigure f = new PanelFigure(List.of("a", "b"), 2, 3, 1);
		assertThrows(IllegalArgumentException.class, () -> f.row(1, new float[6]), "one panel for two columns");
		assertThrows(IllegalArgumentException.class, () -> f.row(1, new float[6], new float[5]), "wrong panel size");
		assertThrows(IllegalArgumentException.class, () -> f.row(2, new float[12], new float[12]), "two channels");
		assertThrows(IllegalArgumentException.class, () -> new PanelFigure(List.of(), 2, 3, 1));
		assertThrows(IllegalArgumentException.class, () -> new PanelFigure(List.of("a"), 2, 3, 0));
		assertThrows(IllegalStateException.class, () -> f.write(dir.resolve("empty.png")));
		assertFalse(Files.exists(dir.resolve("empty.png")));
	}

	private static int grey(final int v) {
		return v << 16 | v << 8 | v;
	}
}
