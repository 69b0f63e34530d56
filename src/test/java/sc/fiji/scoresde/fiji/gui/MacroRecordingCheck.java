package sc.fiji.scoresde.fiji.gui;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.measure.ResultsTable;
import ij.plugin.frame.Recorder;

import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.EventQueue;
import java.awt.TextField;
import java.awt.event.ActionEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Vector;

import sc.fiji.scoresde.fiji.RecordedMacros;

/**
 * Records today's macro line of every menu entry the way a user does (run under Xvfb): sets up the input images,
 * opens the entry from the menu with the recorder on, fills a few fields, presses OK, and stores the recorded line
 * with the result's size and pixel hash (for Log-likelihood the Results table; for training the weights file) in
 * src/test/resources/macros-recorded. {@code RecordedMacrosReplayTest} replays the lines on the current code.
 *
 * <p>Arguments: {@code <output folder> <report file> <tiny pipeline> <tiny training architecture> <training
 * output folder>}; ImageJ's plugins.dir must hold the plugin jar.
 */
public final class MacroRecordingCheck {

	/** What to fill in one dialog: field index → value, per kind of field. */
	static final class Spec {

		final String name, command, resultPrefix, setup;
		final Map<Integer, String> strings = new LinkedHashMap<>(), numbers = new LinkedHashMap<>(),
			choices = new LinkedHashMap<>();
		final Map<Integer, Boolean> checkboxes = new LinkedHashMap<>();

		Spec(final String name, final String command, final String resultPrefix, final String setup) {
			this.name = name;
			this.command = command;
			this.resultPrefix = resultPrefix;
			this.setup = setup;
		}

		Spec string(final int i, final String v) {
			strings.put(i, v);
			return this;
		}

		Spec number(final int i, final String v) {
			numbers.put(i, v);
			return this;
		}

		Spec choice(final int i, final String v) {
			choices.put(i, v);
			return this;
		}

		Spec checkbox(final int i, final boolean v) {
			checkboxes.put(i, v);
			return this;
		}

		String title() {
			return command.replace("...", "");
		}
	}

	private MacroRecordingCheck() {}

	static final String GREY_IN = "close(\"*\"); newImage(\"in\", \"8-bit ramp\", 28, 28, 1);";

	static List<Spec> specs() {
		final List<Spec> s = new ArrayList<>();
		// the bundled Fashion-MNIST model (model field empty) except Colorize, which needs an RGB model
		s.add(new Spec("generate", "Generate (VE)...", "Score SDE VE", "close(\"*\");").string(0, "").number(0, "2")
			.number(1, "5"));
		s.add(new Spec("generate-heun-float", "Generate (VE)...", "Score SDE VE", "close(\"*\");").string(0, "")
			.number(0, "1").number(1, "4").number(2, "3").choice(2, "float [0,1]").choice(3, "heun").number(6, "0.5"));
		s.add(new Spec("inpaint-selection", "Inpaint (VE)...", "Inpaint (VE)", GREY_IN +
			" makeRectangle(6, 6, 12, 10);").string(0, "").number(0, "4"));
		s.add(new Spec("inpaint-mask-image", "Inpaint (VE)...", "Inpaint (VE)", GREY_IN +
			" newImage(\"m\", \"8-bit black\", 28, 28, 1); setColor(255); fillRect(6, 6, 12, 10);" +
			" selectImage(\"in\"); run(\"Select None\");").string(0, "").choice(0, "m").number(0, "4"));
		// the particle sampler (numbers 4: particles) with few particles and steps, so that the replay stays fast
		s.add(new Spec("inpaint-particles", "Inpaint (VE)...", "Inpaint (VE)", GREY_IN +
			" makeRectangle(6, 6, 12, 10);").string(0, "").number(0, "10").number(2, "2").number(4, "4"));
		s.add(new Spec("super-resolution-particles-uncertainty", "Super-resolution (VE)...", "Super-resolution (VE)",
			"close(\"*\"); newImage(\"in\", \"8-bit ramp\", 14, 14, 1);").string(0, "").number(0, "10").number(2, "2")
				.number(4, "4").checkbox(0, true));
		s.add(new Spec("colorize", "Colorize (VE)...", "Colorize (VE)",
			"close(\"*\"); newImage(\"in\", \"8-bit ramp\", 32, 32, 1);").string(0, "${TINY}").number(0, "3").number(2,
				"2"));
		s.add(new Spec("denoise", "Denoise (VE)...", "Denoise (VE)", GREY_IN).string(0, "").number(0, "4").number(2,
			"1").number(3, "0.1"));
		s.add(new Spec("denoise-posterior-mean", "Denoise (VE)...", "Denoise (VE)", GREY_IN +
			" run(\"32-bit\"); run(\"Divide...\", \"value=255\");").string(0, "").number(3, "0.05"));
		s.add(new Spec("guided-synthesis", "Guided synthesis (VE)...", "Guided synthesis (VE)", GREY_IN).string(0, "")
			.number(0, "4").number(2, "2"));
		s.add(new Spec("log-likelihood", "Log-likelihood (VE)...", null, "close(\"*\"); run(\"Clear Results\");" +
			" newImage(\"in\", \"8-bit ramp\", 28, 28, 2); setSlice(2); run(\"Invert\", \"slice\"); setSlice(1);")
				.string(0, "").number(2, "0.01"));
		s.add(new Spec("interpolate", "Interpolate (VE)...", "Interpolation", "close(\"*\");" +
			" newImage(\"a\", \"8-bit ramp\", 28, 28, 1); newImage(\"b\", \"8-bit white\", 28, 28, 1);" +
			" selectImage(\"a\");").number(0, "3").string(0, "").number(1, "0.01"));
		s.add(new Spec("train", "Train Score Model (VE)...", null, "close(\"*\");" +
			" newImage(\"cells\", \"8-bit ramp\", 16, 16, 5);" +
			" for (i = 2; i <= 5; i++) { setSlice(i); run(\"Add...\", \"value=\" + 30 * i + \" slice\"); }").string(1, "${TRAIN_OUT}").string(2, "${TINY_ARCH}")
				.number(0, "8").number(1, "2").number(2, "4").choice(2, "cpu"));
		return s;
	}

	public static void main(final String[] args) throws Exception {
		final Path out = Paths.get(args[0]);
		final Path report = Paths.get(args[1]);
		final Map<String, String> paths = new LinkedHashMap<>();
		paths.put("TRAIN_OUT", args[4]);
		paths.put("TINY_ARCH", args[3]);
		paths.put("TINY", args[2]);
		final StringBuilder log = new StringBuilder();
		int code = 0;
		try {
			final ImageJ ij = new ImageJ();
			RecorderReplayCheck.waitFor(ij::isShowing, "the ImageJ window");
			IJ.run("Record...");
			RecorderReplayCheck.waitFor(() -> Recorder.getInstance() != null, "the recorder");
			final String only = System.getProperty("macros.only", "");
			for (final Spec spec : specs()) {
				if (!only.isEmpty() && !java.util.Arrays.asList(only.split(",")).contains(spec.name)) continue;
				try {
					final Map<String, String> values = record(ij, spec, paths, log);
					RecordedMacros.store(out, spec.name, values);
					log.append(spec.name).append(": ").append(values).append('\n');
				}
				catch (final Exception e) {
					code = 1;
					log.append(spec.name).append(" failed: ").append(e).append('\n');
				}
			}
		}
		catch (final Throwable t) {
			code = 1;
			log.append("error: ").append(t).append('\n');
		}
		Files.write(report, log.toString().getBytes(StandardCharsets.UTF_8));
		System.exit(code);
	}

	static Map<String, String> record(final ImageJ ij, final Spec spec, final Map<String, String> paths,
		final StringBuilder log) throws Exception
	{
		Recorder.record = false;
		IJ.runMacro(RecordedMacros.resolve(spec.setup, paths));
		Thread.sleep(300);
		final int before = Recorder.getInstance().getText().length();
		Recorder.record = true;
		RecorderReplayCheck.clickMenu(ij, spec.command, log);
		final GenericDialog gd = RecorderReplayCheck.waitForDialog(spec.title());
		EventQueue.invokeAndWait(() -> fill(gd, spec, paths));
		Thread.sleep(300);
		final Button ok = gd.getButtons()[0];
		EventQueue.invokeLater(() -> gd.actionPerformed(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, "OK")));
		final String start = "run(\"" + spec.command + "\"";
		final String[] line = new String[1];
		final long end = System.currentTimeMillis() + 300_000;
		while (line[0] == null) {
			final String text = Recorder.getInstance().getText();
			for (final String l : text.substring(Math.min(before, text.length())).split("\n"))
				if (l.startsWith(start)) line[0] = l;
			if (System.currentTimeMillis() > end) throw new IllegalStateException("no recorded line for " + spec.name +
				"; showing: " + showingText());
			Thread.sleep(100);
		}
		Recorder.record = false;
		Thread.sleep(500);
		final Map<String, String> values = new LinkedHashMap<>();
		values.put("command", spec.command);
		values.put("setup", spec.setup);
		String recorded = line[0];
		for (final Map.Entry<String, String> p : paths.entrySet())
			recorded = recorded.replace(p.getValue(), "${" + p.getKey() + "}");
		values.put("line", recorded);
		if (spec.resultPrefix != null) {
			final ImagePlus result = WindowManager.getCurrentImage();
			if (result == null || !result.getTitle().startsWith(spec.resultPrefix)) throw new IllegalStateException(
				"no result window for " + spec.name + ": " + (result == null ? "none" : result.getTitle()));
			values.put("title", result.getTitle());
			values.put("shape", RecordedMacros.shape(result));
			values.put("sha256", RecordedMacros.sha256(result));
			result.changes = false;
		}
		else if (spec.command.startsWith("Log-likelihood")) {
			final ResultsTable rt = ResultsTable.getResultsTable();
			final StringBuilder figures = new StringBuilder();
			for (int i = 0; i < rt.size(); i++)
				figures.append(i == 0 ? "" : ";").append(IJ.d2s(rt.getValue("bits/dim", i), 9)).append('/').append(
					(int) rt.getValue("NFE", i));
			values.put("figures", figures.toString());
		}
		else {
			final Path weights = Paths.get(paths.get("TRAIN_OUT"), "unet", "diffusion_pytorch_model.safetensors");
			values.put("sha256", RecordedMacros.sha256(weights));
		}
		return values;
	}

	/** The titles and labels of the windows showing (an error dialog that blocks the run). */
	static String showingText() {
		final StringBuilder out = new StringBuilder();
		for (final java.awt.Window w : java.awt.Window.getWindows()) {
			if (!w.isShowing() || !(w instanceof java.awt.Dialog)) continue;
			out.append(" [").append(((java.awt.Dialog) w).getTitle());
			appendLabels(w, out);
			out.append(']');
		}
		return out.toString();
	}

	private static void appendLabels(final java.awt.Container c, final StringBuilder out) {
		for (final java.awt.Component k : c.getComponents()) {
			if (k instanceof java.awt.Label) out.append(": ").append(((java.awt.Label) k).getText());
			if (k instanceof ij.gui.MultiLineLabel) try {
				final java.lang.reflect.Field lines = ij.gui.MultiLineLabel.class.getDeclaredField("lines");
				lines.setAccessible(true);
				out.append(": ").append(String.join(" ", (String[]) lines.get(k)));
			}
			catch (final ReflectiveOperationException e) {
				out.append(": (").append(e).append(')');
			}
			if (k instanceof java.awt.Container) appendLabels((java.awt.Container) k, out);
		}
	}

	private static void fill(final GenericDialog gd, final Spec spec, final Map<String, String> paths) {
		@SuppressWarnings("unchecked")
		final Vector<TextField> strings = gd.getStringFields(), numbers = gd.getNumericFields();
		@SuppressWarnings("unchecked")
		final Vector<Choice> choices = gd.getChoices();
		@SuppressWarnings("unchecked")
		final Vector<Checkbox> boxes = gd.getCheckboxes();
		spec.strings.forEach((i, v) -> strings.get(i).setText(RecordedMacros.resolve(v, paths)));
		spec.numbers.forEach((i, v) -> numbers.get(i).setText(v));
		spec.choices.forEach((i, v) -> choices.get(i).select(v));
		spec.checkboxes.forEach((i, v) -> boxes.get(i).setState(v));
	}
}
