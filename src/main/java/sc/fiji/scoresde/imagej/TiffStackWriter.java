package sc.fiji.scoresde.imagej;

import ij.ImagePlus;
import ij.io.FileSaver;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import sc.fiji.scoresde.generate.GeneratedImages;

/** Writes generated images as one ImageJ TIFF stack with ImageJ 1's own writer, through a temporary file. */
public final class TiffStackWriter {

	private TiffStackWriter() {}

	public static void write(final Path target, final GeneratedImages images) throws IOException {
		final ImagePlus imp = ImagePlusConversion.toImagePlus(images, target.getFileName().toString());
		final Path dir = target.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		final Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part.tif");
		boolean done = false;
		try {
			final FileSaver saver = new FileSaver(imp);
			final boolean ok = imp.getStackSize() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver.saveAsTiff(tmp
				.toString());
			if (!ok) throw new IOException("ImageJ could not write " + target);
			try {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
			done = true;
		}
		finally {
			if (!done) Files.deleteIfExists(tmp);
		}
	}
}
