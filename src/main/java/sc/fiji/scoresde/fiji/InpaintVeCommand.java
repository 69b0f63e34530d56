package sc.fiji.scoresde.fiji;

import net.imglib2.img.Img;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;

/** Regenerates the masked region of the image (replacement; by default with RePaint resampling). */
@Plugin(type = Command.class, label = "Inpaint (VE)", headless = true, initializer = "initChoices",
	description = "Regenerate a region of an image with a Score SDE (VE) model")
public class InpaintVeCommand extends ReplacingVeCommand {

	@Parameter(label = "Mask (nonzero: regenerated; or give a rectangle)", required = false, persist = false)
	private Img<?> mask;

	@Parameter(label = "Rect (x,y,w,h to regenerate, instead of a mask)", required = false, persist = false)
	private String rect = "";

	@Override
	Restoration.Task task() {
		return Restoration.Task.INPAINT;
	}


	@Override
	float[] regenerate(final UserImage input) {
		final boolean hasRect = rect != null && !rect.trim().isEmpty();
		if ((mask != null) == hasRect) throw new IllegalArgumentException("Inpaint (VE): give either a mask image " +
			"or a rectangle rect=x,y,w,h (the region to regenerate)");
		if (mask != null) return region(mask, input);
		final String[] parts = rect.trim().split("\\s*,\\s*");
		if (parts.length != 4) throw new IllegalArgumentException("Inpaint (VE): rect '" + rect + "' must be x,y,w,h");
		final int[] v = new int[4];
		for (int i = 0; i < 4; i++)
			try {
				v[i] = Integer.parseInt(parts[i]);
			}
			catch (final NumberFormatException e) {
				throw new IllegalArgumentException("Inpaint (VE): rect '" + rect + "' must be four whole numbers x,y,w,h");
			}
		return RestorationService.rectangle(input.width, input.height, v[0], v[1], v[2], v[3]);
	}

	/** 1 where the mask (one plane, the input's size) is nonzero: the pixels inpainting makes. */
	static float[] region(final Img<?> mask, final UserImage input) {
		if (mask.dimension(0) != input.width || mask.dimension(1) != input.height) throw new IllegalArgumentException(
			"Inpaint (VE): the mask is " + mask.dimension(0) + "×" + mask.dimension(1) + ", the image " + input.width +
				"×" + input.height);
		return ImgInput.nonzero(mask, "the mask");
	}
}
