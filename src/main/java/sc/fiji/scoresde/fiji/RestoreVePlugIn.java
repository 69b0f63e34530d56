package sc.fiji.scoresde.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.img.Img;

import sc.fiji.scoresde.imagej.ImagePlusConversion;
import sc.fiji.scoresde.imagej.ImagePlusInput;
import sc.fiji.scoresde.imagej.ImgInput;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.restore.Restoration;
import sc.fiji.scoresde.restore.RestorationService;
import sc.fiji.scoresde.runtime.GeneratedImages;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * The menu entries Inpaint, Colorize, Super-resolution, Denoise and Guided synthesis (VE)... (plugins.config): a
 * macro-recordable dialog on the active image's current plane, then {@link RestorationService} on this thread
 * ({@link ImageJ1Bridge}: progress in the status bar, Esc cancels before the next network call). The input image is
 * only read; the results open in a new window (a stack for several samples; with uncertainty one float stack: mean,
 * std, then the samples). Inpaint's mask is the image's selection or another open image of the same size.
 */
public abstract class RestoreVePlugIn implements PlugIn {

	abstract Restoration.Task task();

	@Override
	public void run(final String arg) {
		final String title = new RestoreOptions(task()).name();
		final ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) {
			IJ.error(title, "There is no image open: " + title + " works on the active image.");
			return;
		}
		final Dialog d = showDialog(imp);
		if (d == null) return;
		try {
			d.options.validate();
		}
		catch (final IllegalArgumentException e) {
			IJ.error(title, e.getMessage());
			return;
		}
		final ImagePlus out = restore(imp, d.options, d.mask);
		if (out != null) ResultWindow.show(out);
	}

	/** The dialog's answers: the options and, for inpaint, the mask choice. */
	static final class Dialog {

		RestoreOptions options;
		String mask;
	}

	private Dialog showDialog(final ImagePlus imp) {
		final Restoration.Task task = task();
		final String title = RestoreOptions.title(task);
		final RestoreOptions last = LastValues.of(title, RestoreOptions.class, () -> new RestoreOptions(task));
		// a macro line recorded before particles, noise, factor and uncertainty existed lacks their keys and must
		// still mean "without them", whatever the dialog was last answered
		final RestoreOptions added = ij.Macro.getOptions() != null ? new RestoreOptions(task) : last;
		final GenericDialog gd = new GenericDialog(last.name());
		gd.addMessage("Input: " + imp.getTitle() + (imp.getStackSize() > 1 ? " (the current plane)" : ""));
		// labels start with the option key: GenericDialog derives the macro key from the first word
		gd.addStringField("Model (folder or hub id; empty: bundled Fashion-MNIST model)", last.model, 40);
		if (task == Restoration.Task.INPAINT) {
			final List<String> masks = new ArrayList<>();
			masks.add(RestoreOptions.MASK_SELECTION);
			for (final int id : WindowManager.getIDList())
				if (id != imp.getID()) masks.add(WindowManager.getImage(id).getTitle());
			gd.addChoice("Mask (selection or an image; inside / nonzero is regenerated)", masks.toArray(new String[0]),
				RestoreOptions.MASK_SELECTION);
		}
		gd.addChoice("Sampler", GenerateOptions.SAMPLERS, last.sampler);
		gd.addNumericField("Steps", last.steps, 0);
		gd.addNumericField("Seed (-1: pick one)", -1, 0);
		gd.addNumericField(task == Restoration.Task.DENOISE ? "Samples (0: the posterior mean)" : "Samples",
			last.samples, 0);
		gd.addChoice("Device", GenerateOptions.DEVICES, last.device);
		gd.addChoice("Output", GenerateOptions.OUTPUTS, imp.getBitDepth() == 32 ? GenerateOptions.OUTPUT_FLOAT
			: last.output);
		switch (task) {
			case INPAINT: case COLORIZE: case UPSCALE:
				gd.addNumericField("Resample (RePaint resamplings per step, pc only)", last.resample, 0);
				break;
			case DENOISE:
				gd.addNumericField("Sigma (noise in [0,1] units; -1: estimate)", last.sigma, 4);
				break;
			default:
				gd.addNumericField("Strength (t0 in (0,1]; 1: plain generation)", last.strength, 3);
		}
		if (task != Restoration.Task.EDIT) gd.addNumericField("Particles (exact posterior sampler per sample; 0: " +
			"the sampler above; >0: " + (RestoreOptions.replacing(task) ? "sampler and resample do" : "the sampler does") +
			" not apply)", added.particles, 0);
		if (RestoreOptions.replacing(task)) gd.addNumericField("Noise (sigma_y of the observed values in [0,1] " +
			"units, with particles; 0: exact)", added.noise, 4);
		if (task == Restoration.Task.UPSCALE) gd.addNumericField("Factor (the image is k times smaller than the " +
			"model's images)", added.factor, 0);
		if (task != Restoration.Task.EDIT) gd.addCheckbox("Uncertainty (also the per-pixel mean and std over the " +
			"samples, as one float stack; samples >= 2)", added.uncertainty);
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		final Dialog d = new Dialog();
		final RestoreOptions o = new RestoreOptions(task);
		o.model = gd.getNextString().trim();
		if (task == Restoration.Task.INPAINT) d.mask = gd.getNextChoice();
		o.sampler = gd.getNextChoice();
		o.steps = (int) gd.getNextNumber();
		ImageJ1Bridge.pinSeed(gd, 1);
		o.seed = (long) gd.getNextNumber();
		o.samples = (int) gd.getNextNumber();
		o.device = gd.getNextChoice();
		o.output = gd.getNextChoice();
		switch (task) {
			case INPAINT: case COLORIZE: case UPSCALE: o.resample = (int) gd.getNextNumber(); break;
			case DENOISE: o.sigma = gd.getNextNumber(); break;
			default: o.strength = gd.getNextNumber();
		}
		if (task != Restoration.Task.EDIT) o.particles = (int) gd.getNextNumber();
		if (RestoreOptions.replacing(task)) o.noise = gd.getNextNumber();
		if (task == Restoration.Task.UPSCALE) o.factor = (int) gd.getNextNumber();
		if (task != Restoration.Task.EDIT) o.uncertainty = gd.getNextBoolean();
		if (ImageJ1Bridge.invalidNumber(gd)) return null;
		// the seed is not remembered: each dialog opens with -1 (pick one)
		LastValues.remember(title, o);
		d.options = o;
		return d;
	}

	/**
	 * Runs the task on the current plane of {@code imp}; the results as a new (not shown) image, or null when it
	 * failed (the reason shown in an error dialog) or was cancelled.
	 */
	static ImagePlus restore(final ImagePlus imp, final RestoreOptions o, final String maskChoice) {
		final String title = o.name();
		final GeneratedImages images = ImageJ1Bridge.run(title, "Score SDE VE " + title, hooks -> {
			final UserImage input = ImgInput.toUserImage(ImagePlusInput.currentPlane(imp), "the input image");
			final float[] region = o.task == Restoration.Task.INPAINT ? InpaintVeCommand.region(mask(imp, maskChoice),
				input) : null;
			try (LoadedModel model = ImageJ1Bridge.load(o.model, o.device, hooks.log)) {
				return o.run(model, input, region, hooks);
			}
		});
		if (images == null) return null;
		final String name = title + " of " + imp.getTitle() + " seed=" + images.seed;
		final ImagePlus out = images.mean != null ? ImagePlusConversion.toUncertaintyImagePlus(images, name)
			: ImagePlusConversion.toImagePlus(images, name, o.floatOutput());
		// super-resolution's result is k times larger than its input: its pixels are k times smaller
		if (o.task != Restoration.Task.UPSCALE) out.setCalibration(imp.getCalibration());
		else {
			final ij.measure.Calibration c = imp.getCalibration().copy();
			c.pixelWidth /= o.factor;
			c.pixelHeight /= o.factor;
			c.xOrigin *= o.factor;
			c.yOrigin *= o.factor;
			out.setCalibration(c);
		}
		IJ.log("Score SDE VE " + title + " of " + imp.getTitle() + ": seed " + images.seed + ", " + o.method() + ", " +
			images.steps + " steps, " + images.batch + " result(s)" + (images.mean != null ? " with their mean and " +
				"std" : ""));
		return out;
	}

	/** Inpaint's mask: the image's own selection, or the current plane of the open image chosen. */
	private static Img<?> mask(final ImagePlus imp, final String maskChoice) {
		if (RestoreOptions.MASK_SELECTION.equals(maskChoice)) {
			final Img<?> mask = ImagePlusInput.selectionMask(imp);
			if (mask == null) throw new IllegalArgumentException("the image " + imp.getTitle() + " has no area " +
				"selection: draw the region to regenerate, or choose a mask image");
			return mask;
		}
		final ImagePlus m = WindowManager.getImage(maskChoice);
		if (m == null) throw new IllegalArgumentException("there is no open image '" + maskChoice + "'");
		return ImagePlusInput.currentPlane(m);
	}
}
