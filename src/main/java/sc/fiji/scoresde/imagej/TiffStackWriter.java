package sc.fiji.scoresde.imagej;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.TiffEncoder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.io.AtomicFiles;

/** Writes generated images as one ImageJ TIFF stack with ImageJ 1's own encoder, through a temporary file. */
public final class TiffStackWriter {

	private TiffStackWriter() {}

	public static void write(final Path target, final GeneratedImages images) throws IOException {
		final ImagePlus imp = ImagePlusConversion.toImagePlus(images, target.getFileName().toString());
		AtomicFiles.write(target, out -> encode(imp, out));
	}

	/**
	 * The TIFF that ImageJ's FileSaver writes for this image, onto a stream. FileSaver itself reports a failed write
	 * (a full disk) as a dialog or a log line and returns false; the encoder throws the IOException with its reason.
	 */
	static void encode(final ImagePlus imp, final OutputStream out) throws IOException {
		final FileSaver saver = new FileSaver(imp);
		final FileInfo info = imp.getFileInfo();
		info.info = imp.getInfoProperty();
		info.description = saver.getDescriptionString();
		info.sliceLabels = imp.getStack().getSliceLabels();
		if (imp.isComposite()) saver.saveDisplayRangesAndLuts(imp, info);
		info.properties = imp.getPropertiesAsArray();
		new TiffEncoder(info).write(out);
	}
}
