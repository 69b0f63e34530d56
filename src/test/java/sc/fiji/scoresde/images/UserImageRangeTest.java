package sc.fiji.scoresde.images;

import sc.fiji.scoresde.errors.ModelFormatException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input images hold finite values near the model's [0, 1] (issue 24: a float TIFF with one 1e30 pixel made inpaint,
 * denoise and likelihood return all-NaN results with exit code 0).
 */
class UserImageRangeTest {

	private static float[] halfGrey(final int n) {
		final float[] v = new float[n];
		java.util.Arrays.fill(v, 0.5f);
		return v;
	}

	@Test
	void aFloatTiffWithAHugeValueIsRefusedNamingThePixel(@TempDir final Path dir) throws Exception {
		final float[] v = halfGrey(6 * 4);
		v[2 * 6 + 3] = 1e30f;
		final Path file = Files.write(dir.resolve("huge-value.tif"), TestTiffs.littleEndian().floats(6, 4, v).bytes());
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> UserImage.read(file));
		assertTrue(e.getMessage().startsWith(file + ": the pixel at x 3, y 2 is 1.0E30, outside [-4, 5]"), e
			.getMessage());
		assertTrue(e.getMessage().contains("rescale this float image to [0, 1]"), e.getMessage());
	}

	@Test
	void notANumberIsRefusedOnTheRightPageOfAStack(@TempDir final Path dir) throws Exception {
		final float[] nan = halfGrey(6 * 4);
		nan[5] = Float.NaN;
		final Path file = Files.write(dir.resolve("nan.tif"), TestTiffs.bigEndian().floats(6, 4, halfGrey(24))
			.floats(6, 4, nan).bytes());
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> UserImage.readStack(file, 0));
		assertTrue(e.getMessage().startsWith(file + " page 2: the pixel at x 5, y 0 is NaN; images must hold finite " +
			"numbers"), e.getMessage());
	}

	@Test
	void aNpyStackInEightBitUnitsIsRefused(@TempDir final Path dir) throws Exception {
		final float[] v = new float[2 * 3 * 4];
		for (int i = 0; i < v.length; i++)
			v[i] = 14 * i;
		final Path file = dir.resolve("units.npy");
		NpyWriter.writeFloat32(file, v, 2, 3, 4);
		final ModelFormatException e = assertThrows(ModelFormatException.class, () -> UserImage.readStack(file, 0));
		assertTrue(e.getMessage().startsWith(file + " image 0: the pixel at x 1, y 0 is 14.0, outside [-4, 5]"), e
			.getMessage());
	}

	/** Denoising input: noise takes values past 0 and 1, and they must reach the model unchanged. */
	@Test
	void aNoisyFloatImageKeepsItsValuesOutsideTheUnitInterval(@TempDir final Path dir) throws Exception {
		final float[] v = { -0.7f, 0.2f, 1.8f, 0.5f, -3.9f, 4.9f };
		final Path file = Files.write(dir.resolve("noisy.tif"), TestTiffs.littleEndian().floats(3, 2, v).bytes());
		assertArrayEquals(v, UserImage.read(file).chw, 0);
		assertArrayEquals(v, UserImage.readStack(file, 0).get(0).chw, 0);
	}
}
