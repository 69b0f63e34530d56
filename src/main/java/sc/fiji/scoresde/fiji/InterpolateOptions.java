package sc.fiji.scoresde.fiji;

import java.util.List;

import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.images.UserImage;
import sc.fiji.scoresde.likelihood.LikelihoodService;
import sc.fiji.scoresde.runtime.DeviceChoice;
import sc.fiji.scoresde.runtime.LoadedModel;

/**
 * The options of "Interpolate (VE)...", shared by {@link InterpolateVeCommand} and the menu entry
 * {@link InterpolateVePlugIn}; the keys are the command's field names and the first words of the dialog's labels.
 */
public final class InterpolateOptions {

	public static final String TITLE = "Interpolate (VE)";

	public int frames = 8;
	/** empty: the bundled Fashion-MNIST demo model */
	public String model = "";
	/** rtol = atol of RK45 */
	public double tolerance = 1e-5;
	public String device = DeviceChoice.AUTO_NAME;
	public String output = GenerateOptions.OUTPUT_RGB;

	/** Checks every option before anything is loaded; the message names the option and the value. */
	public void validate() {
		if (frames < 2 || frames > 4096) throw new IllegalArgumentException("frames " + frames + " must be in " +
			"2..4096");
		if (!(tolerance > 0 && tolerance < 1)) throw new IllegalArgumentException("tolerance " + tolerance +
			" must be in (0, 1)");
		if (!GenerateOptions.OUTPUT_RGB.equals(output) && !GenerateOptions.OUTPUT_FLOAT.equals(output))
			throw new IllegalArgumentException("output '" + output + "' must be " + GenerateOptions.OUTPUT_RGB + " or " +
				GenerateOptions.OUTPUT_FLOAT);
		DeviceChoice.parse(device);
	}

	public DeviceChoice deviceChoice() {
		return DeviceChoice.parse(device);
	}

	public boolean floatOutput() {
		return GenerateOptions.OUTPUT_FLOAT.equals(output);
	}

	/** The frames from {@code a} to {@code b}; what the command and the menu entry both call. */
	public LikelihoodService.Interpolation run(final LoadedModel loaded, final UserImage a, final UserImage b,
		final GenerationService.Hooks hooks)
	{
		final float[][] x = LikelihoodService.inputs(loaded, List.of(a, b));
		return LikelihoodService.interpolate(loaded, x[0], x[1], frames, a.height, a.width, tolerance, hooks);
	}
}
