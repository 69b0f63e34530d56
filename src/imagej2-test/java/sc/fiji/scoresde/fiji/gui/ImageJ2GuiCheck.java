package sc.fiji.scoresde.fiji.gui;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.plugin.frame.Recorder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.imagej.patcher.LegacyInjector;

import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;
import org.scijava.ui.UIService;

import sc.fiji.scoresde.Readme;
import sc.fiji.scoresde.fiji.GenerateOptions;
import sc.fiji.scoresde.fiji.GenerateVeCommand;
import sc.fiji.scoresde.fiji.ImageJ2Session;

/**
 * ImageJ2 with imagej-legacy and its ImageJ 1 window, under Xvfb (started by {@link ImageJ2GuiTest}): (b) the
 * README's macro line through the legacy layer — which entry runs, the image window's title and dimensions; (c) the
 * menu entry with the macro recorder on — the line it records, once, and its replay; then a script's run of the
 * SciJava command with the same options, whose Dataset the legacy UI shows. Writes a report; exit code 0 when the
 * replay and the script's window give the dialog run's pixels.
 */
public final class ImageJ2GuiCheck {

	static {
		LegacyInjector.preinit();
	}

	private ImageJ2GuiCheck() {}

	public static void main(final String[] args) throws Exception {
		final Path report = Paths.get(args[0]);
		final StringBuilder log = new StringBuilder();
		int code = 1;
		try {
			code = run(log);
		}
		catch (final Throwable t) {
			log.append("error: ").append(t).append('\n');
			for (final StackTraceElement e : t.getStackTrace())
				log.append("  at ").append(e).append('\n');
		}
		Files.write(report, log.toString().getBytes(StandardCharsets.UTF_8));
		System.exit(code);
	}

	private static int run(final StringBuilder log) throws Exception {
		ImageJ2Session.installPlugin();
		final Context context = ImageJ2Session.start();
		final UIService ui = context.service(UIService.class);
		ui.showUI();
		RecorderReplayCheck.waitFor(() -> IJ.getInstance() != null && IJ.getInstance().isShowing(),
			"the ImageJ 1 window");
		final ImageJ ij = IJ.getInstance();
		log.append("ui: ").append(ui.getDefaultUI().getClass().getName()).append('\n');
		log.append("menu entry: ").append(Menus.getCommands().get("Generate (VE)...")).append('\n');

		// (b) the README's line, as a user's macro runs it
		final String line = Readme.line("run(\"Generate (VE)...\"").replace(Readme.MODEL, ImageJ2Session.tinyModel())
			.replace("steps=2000", "steps=2");
		IJ.runMacro(line);
		RecorderReplayCheck.waitFor(() -> WindowManager.getCurrentImage() != null, "the README line's image");
		final ImagePlus readme = WindowManager.getCurrentImage();
		final int[] d = readme.getDimensions();
		log.append("readme: ").append(readme.getTitle()).append('|').append(d[0]).append('x').append(d[1]).append('x')
			.append(d[2]).append('x').append(d[3]).append('x').append(d[4]).append('|').append(readme.getBitDepth())
			.append("|window=").append(readme.getWindow() != null && readme.getWindow().isShowing()).append('\n');
		readme.changes = false;
		readme.close();

		// (c) the menu entry with the recorder on
		IJ.run("Record...");
		RecorderReplayCheck.waitFor(() -> Recorder.getInstance() != null, "the recorder");
		Recorder.record = true;
		// a short run with the test model: images=2, steps=4
		final Thread answer = new Thread(() -> RecorderReplayCheck.answerDialog(ImageJ2Session.tinyModel(), null, log),
			"answer-dialog");
		answer.start();
		RecorderReplayCheck.clickMenu(ij, "Generate (VE)...", log);
		answer.join(300_000);
		RecorderReplayCheck.waitFor(() -> WindowManager.getCurrentImage() != null && WindowManager.getCurrentImage()
			.getStackSize() == 2, "the dialog run's image");
		final ImagePlus first = WindowManager.getCurrentImage();
		final String recorded = RecorderReplayCheck.recordedLine("run(\"Generate (VE)");
		final long count = Arrays.stream(Recorder.getInstance().getText().split("\n")).filter(l -> l.startsWith(
			"run(\"Generate (VE)")).count();
		log.append("recorded lines: ").append(count).append('\n');
		log.append("recorded: ").append(recorded).append('\n');
		log.append("first: ").append(first.getTitle()).append(' ').append(first.getStackSize()).append('\n');
		final Object[] pixels = RecorderReplayCheck.pixels(first);
		first.changes = false;
		first.close();
		Recorder.record = false;
		IJ.runMacro(recorded);
		final ImagePlus replay = WindowManager.getCurrentImage();
		if (replay == null) {
			log.append("the replay made no image\n");
			return 1;
		}
		final Object[] replayed = RecorderReplayCheck.pixels(replay);
		final boolean same = Arrays.deepEquals(pixels, replayed);
		log.append("replay: ").append(replay.getTitle()).append(' ').append(replay.getStackSize()).append('\n');
		log.append("identical: ").append(same).append('\n');

		// a script's run of the SciJava command with the same options: its Dataset output, shown by the legacy UI
		final Matcher seed = Pattern.compile("seed=(\\d+)").matcher(recorded);
		if (!seed.find()) throw new IllegalStateException("no seed in " + recorded);
		replay.changes = false;
		replay.close();
		final Map<String, Object> inputs = new HashMap<>();
		inputs.put("model", ImageJ2Session.tinyModel());
		inputs.put("images", 2);
		inputs.put("steps", 4);
		inputs.put("seed", Long.parseLong(seed.group(1)));
		// every input given, as a script would: the legacy UI asks for missing ones in a dialog
		inputs.put("checkpoint", GenerateOptions.NO_CHECKPOINT);
		inputs.put("snr", -1.0);
		inputs.put("correctors", -1);
		inputs.put("device", "auto");
		inputs.put("output", GenerateOptions.OUTPUT_RGB);
		inputs.put("sampler", "pc");
		inputs.put("tolerance", 1e-3);
		inputs.put("churn", 0.0);
		final Module module = context.service(ModuleService.class).run(context
			.service(CommandService.class).getCommand(GenerateVeCommand.class),
			true, inputs).get();
		RecorderReplayCheck.waitFor(() -> WindowManager.getCurrentImage() != null && WindowManager.getCurrentImage()
			.getTitle().equals("Score SDE VE seed=" + seed.group(1)), "the script run's window");
		final ImagePlus script = WindowManager.getCurrentImage();
		final int[] s = script.getDimensions();
		log.append("script output: ").append(module.getOutput("result").getClass().getSimpleName()).append('\n');
		log.append("script window: ").append(script.getTitle()).append('|').append(s[0]).append('x').append(s[1])
			.append('x').append(s[2]).append('x').append(s[3]).append('x').append(s[4]).append('|').append(script
				.getBitDepth()).append('\n');
		final boolean scriptSame = Arrays.deepEquals(replayed, RecorderReplayCheck.pixels(script));
		log.append("script identical: ").append(scriptSame).append('\n');
		context.dispose();
		return same && scriptSame ? 0 : 1;
	}
}
