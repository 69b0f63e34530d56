package sc.fiji.scoresde.imagej;

import ij.ImagePlus;
import ij.io.FileSaver;

import java.io.IOException;
import java.nio.file.Path;

import sc.fiji.scoresde.generate.GeneratedImages;
import sc.fiji.scoresde.io.AtomicFiles;

/** Writes generated images as one ImageJ TIFF stack with ImageJ 1's own writer, through a temporary file. */
public final class TiffStackWriter {

	private TiffStackWriter() {}

	public static void write(final Path target, final GeneratedImages images) throws IOException {
		final ImagePlus imp = ImagePlusConversion.toImagePlus(images, target.getFileName().toString());
		AtomicFiles.writeVia(target, tmp -> {
			final FileSaver saver = new FileSaver(imp);
			final boolean ok = imp.getStackSize() > 1 ? saver.saveAsTiffStack(tmp.toString()) : saver.saveAsTiff(tmp
				.toString());
			if (!ok) throw new IOException("ImageJ could not write " + target);
		});
	}
}
