package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import sc.fiji.scoresde.imagej.ImagePlusConversion;
import sc.fiji.scoresde.imagej.ImagePlusInput;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * The menu entry "Interpolate (VE)..." (plugins.config): a macro-recordable dialog choosing two open images (their
 * current planes), then {@link LikelihoodService#interpolate} on this thread ({@link ImageJ1Bridge}: progress in the
 * status bar, Esc cancels before the next network call); the frames open as a new stack. The two images are only
 * read.
 */
public class InterpolateVePlugIn implements PlugIn {

	static final String TITLE = InterpolateOptions.TITLE;

	@Override
	public void run(final String arg) {
		final int[] ids = WindowManager.getIDList();
		if (ids == null || ids.length < 1) {
			IJ.error(TITLE, "There is no image open: " + TITLE + " goes from one open image to another.");
			return;
		}
		final String[] titles = new String[ids.length];
		for (int i = 0; i < ids.length; i++)
			titles[i] = WindowManager.getImage(ids[i]).getTitle();
		final ImagePlus current = WindowManager.getCurrentImage();
		String other = titles[0];
		for (final String t : titles)
			if (current == null || !t.equals(current.getTitle())) {
				other = t;
				break;
			}
		final InterpolateOptions last = LastValues.of(TITLE, InterpolateOptions.class, InterpolateOptions::new);
		final GenericDialog gd = new GenericDialog(TITLE);
		gd.addChoice("First image (frame 1)", titles, current == null ? titles[0] : current.getTitle());
		gd.addChoice("Second image (last frame)", titles, other);
		gd.addNumericField("Frames (including both ends)", last.frames, 0);
		gd.addStringField("Model (folder or hub id; empty: bundled Fashion-MNIST model)", last.model, 40);
		gd.addNumericField("Tolerance (RK45 rtol = atol)", last.tolerance, -1);
		gd.addChoice("Device", GenerateOptions.DEVICES, last.device);
		gd.addChoice("Output", GenerateOptions.OUTPUTS, last.output);
		gd.showDialog();
		if (gd.wasCanceled()) return;
		final ImagePlus a = WindowManager.getImage(gd.getNextChoice());
		final ImagePlus b = WindowManager.getImage(gd.getNextChoice());
		final InterpolateOptions o = new InterpolateOptions();
		o.frames = (int) gd.getNextNumber();
		o.model = gd.getNextString().trim();
		o.tolerance = gd.getNextNumber();
		o.device = gd.getNextChoice();
		o.output = gd.getNextChoice();
		if (ImageJ1Bridge.invalidNumber(gd)) return;
		if (a == null || b == null) {
			IJ.error(TITLE, "the chosen images are no longer open");
			return;
		}
		LastValues.remember(TITLE, o);
		final ImagePlus out = interpolate(a, b, o);
		if (out != null) ResultWindow.show(out);
	}

	/** The frames as a new (not shown) stack, or null when it failed (the reason shown) or was cancelled. */
	static ImagePlus interpolate(final ImagePlus a, final ImagePlus b, final InterpolateOptions o) {
		final LikelihoodService.Interpolation r = ImageJ1Bridge.run(TITLE, "Score SDE VE interpolate", hooks -> {
			o.validate();
			final UserImage first = ImgInput.toUserImage(ImagePlusInput.currentPlane(a), "the first image");
			final UserImage second = ImgInput.toUserImage(ImagePlusInput.currentPlane(b), "the second image");
			try (LoadedModel model = ImageJ1Bridge.load(o.model, o.device, hooks.log)) {
				return o.run(model, first, second, hooks);
			}
		});
		if (r == null) return null;
		final ImagePlus out = ImagePlusConversion.toImagePlus(r.frames, "Interpolation of " + a.getTitle() + " and " +
			b.getTitle(), o.floatOutput());
		out.setCalibration(a.getCalibration());
		IJ.log("Score SDE VE interpolation of " + a.getTitle() + " and " + b.getTitle() + ": " + r.frames.batch +
			" frames, encoded in " + r.encodeEvaluations + " calls, decoded in " + r.decodeEvaluations + " calls");
		return out;
	}
}
