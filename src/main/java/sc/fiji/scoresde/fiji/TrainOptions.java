package sc.fiji.scoresde.fiji;

import java.nio.file.Path;
import java.nio.file.Paths;

import ij.ImagePlus;
import ij.WindowManager;

import sc.fiji.scoresde.imagej.ImagePlusTraining;
import sc.fiji.scoresde.train.ImageSources;
import sc.fiji.scoresde.train.TrainingImages;
import sc.fiji.scoresde.train.TrainingOptions;

/** The options of "Train Score Model (VE)..." shared by the SciJava command and the menu entry. */
public final class TrainOptions {

	public static final String TITLE = "Train Score Model (VE)...";
	public static final String SOURCE_IMAGE = "open image (every plane)";
	public static final String SOURCE_PATH = "folder, image file or idx file";
	public static final String[] SOURCES = { SOURCE_IMAGE, SOURCE_PATH };
	public static final String CHANNELS_AUTO = "as the data";
	public static final String CHANNELS_GREY = "grey (1)";
	public static final String CHANNELS_RGB = "RGB (3)";
	public static final String[] CHANNELS = { CHANNELS_AUTO, CHANNELS_GREY, CHANNELS_RGB };

	public String source = SOURCE_IMAGE;
	public String data = "";
	public String output = "";
	public boolean resume;
	public String architecture = "small";
	public int size = 0;
	public String channels = CHANNELS_AUTO;
	public int steps = 10000;
	public int batch = 64;
	public double learningRate = 2e-4;
	public long seed = 0;
	public String device = sc.fiji.scoresde.runtime.DeviceChoice.AUTO_NAME;

	public TrainingOptions training() {
		final TrainingOptions o = new TrainingOptions();
		o.architecture = architecture == null || architecture.trim().isEmpty() ? "small" : architecture.trim();
		o.size = size;
		o.channels = channelCount();
		o.steps = steps;
		o.batch = batch;
		o.learningRate = learningRate;
		o.seed = seed;
		o.resume = resume;
		o.device = device;
		// the dialog shows these; a resumed run takes the rest (warm-up, clip, EMA, flips…) from its checkpoint
		o.given = new java.util.HashSet<>(java.util.Arrays.asList("steps", "batch", "learning_rate", "seed"));
		o.validate();
		return o;
	}

	int channelCount() {
		if (CHANNELS_GREY.equals(channels)) return 1;
		if (CHANNELS_RGB.equals(channels)) return 3;
		if (channels == null || CHANNELS_AUTO.equals(channels)) return 0;
		throw new IllegalArgumentException("channels '" + channels + "' is not one of: " + String.join(", ",
			CHANNELS));
	}

	public Path outputFolder() {
		if (output == null || output.trim().isEmpty()) throw new IllegalArgumentException("choose an output folder " +
			"for the trained pipeline");
		return Paths.get(output.trim());
	}

	/** Reads the training images: the active ImageJ image, or the given path. */
	public TrainingImages images() throws java.io.IOException {
		if (SOURCE_PATH.equals(source)) {
			if (data == null || data.trim().isEmpty()) throw new IllegalArgumentException("choose the training " +
				"images (a folder, an image file or an idx file)");
			return ImageSources.load(Paths.get(data.trim()), channelCount(), 0);
		}
		if (!SOURCE_IMAGE.equals(source)) throw new IllegalArgumentException("source '" + source +
			"' is not one of: " + String.join(", ", SOURCES));
		final ImagePlus imp = WindowManager.getCurrentImage();
		if (imp == null) throw new IllegalArgumentException("there is no open image to train on (open a stack, or " +
			"choose '" + SOURCE_PATH + "')");
		return ImagePlusTraining.toTrainingImages(imp, channelCount());
	}
}
