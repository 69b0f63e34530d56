package sc.fiji.scoresde.fiji.gui;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;

import java.awt.Button;
import java.awt.EventQueue;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Vector;

import javax.imageio.ImageIO;

/**
 * Drives a real ImageJ 1 window (run under Xvfb): opens Generate (VE)... from the menu with the macro recorder on,
 * fills the dialog and presses OK, then replays the recorded line and compares the pixels. Optionally saves
 * screenshots of the dialog and the result window. Exit code 0 when the replay gives identical pixels.
 *
 * <p>Arguments: {@code <model folder> <report file> [<screenshot folder>]}; ImageJ's plugins.dir must hold the
 * plugin jar.
 */
public final class RecorderReplayCheck {

	private RecorderReplayCheck() {}

	public static void main(final String[] args) throws Exception {
		final String model = args[0];
		final Path report = Paths.get(args[1]);
		final Path shots = args.length > 2 ? Paths.get(args[2]) : null;
		if (shots != null) Files.createDirectories(shots);
		final StringBuilder log = new StringBuilder();
		int code = 1;
		try {
			code = run(model, shots, log);
		}
		catch (final Throwable t) {
			log.append("error: ").append(t).append('\n');
			for (final StackTraceElement e : t.getStackTrace())
				log.append("  at ").append(e).append('\n');
		}
		Files.write(report, log.toString().getBytes(StandardCharsets.UTF_8));
		System.exit(code);
	}

	private static int run(final String model, final Path shots, final StringBuilder log) throws Exception {
		final ImageJ ij = new ImageJ();
		waitFor(() -> ij.isShowing(), "the ImageJ window");
		IJ.run("Record...");
		waitFor(() -> Recorder.getInstance() != null, "the recorder");
		Recorder.record = true;

		// the menu item fires this command; the dialog is answered from another thread
		final Thread answer = new Thread(() -> answerDialog(model, shots, log), "answer-dialog");
		answer.start();
		final StatusBarWatch watch = new StatusBarWatch();
		watch.start();
		clickMenu(ij, "Generate (VE)...", log);
		answer.join(300_000);
		waitFor(() -> WindowManager.getCurrentImage() != null && WindowManager.getCurrentImage().getTitle()
			.startsWith("Score SDE VE"), "the result window");
		watch.interrupt();
		watch.join();
		log.append("status bar: ").append(watch.seen).append('\n');
		final ImagePlus first = WindowManager.getCurrentImage();
		Thread.sleep(500);
		log.append("result window: ").append(first.getWidth()).append('x').append(first.getHeight()).append(
			" at zoom ").append(first.getCanvas().getMagnification()).append('\n');
		if (shots != null) {
			IJ.run(first, "Set... ", "zoom=800");
			Thread.sleep(500);
			capture(first.getWindow(), shots.resolve("result-window.png"));
		}
		final String recorded = recordedLine("run(\"Generate (VE)...\"");
		log.append("recorded: ").append(recorded).append('\n');
		log.append("first: ").append(first.getTitle()).append(' ').append(first.getStackSize()).append('\n');
		final Object[] pixels = pixels(first);
		first.changes = false;
		first.close();
		Recorder.record = false;

		IJ.runMacro(recorded);
		final ImagePlus replay = WindowManager.getCurrentImage();
		if (replay == null) {
			log.append("the replay made no image\n");
			return 1;
		}
		log.append("replay: ").append(replay.getTitle()).append(' ').append(replay.getStackSize()).append('\n');
		final boolean same = Arrays.deepEquals(pixels, pixels(replay));
		log.append("identical: ").append(same).append('\n');
		if (shots != null) captureTrainDialog(ij, shots.resolve("train-dialog.png"), log);
		final boolean inpaintSame = inpaintReplay(ij, replay, model, shots, log);
		return same && inpaintSame ? 0 : 1;
	}

	/**
	 * Inpaint (VE)... from the menu on the generated stack with a rectangle selected; the recorded line, replayed on
	 * the same image and selection, must give the same pixels.
	 */
	private static boolean inpaintReplay(final ImageJ ij, final ImagePlus input, final String model, final Path shots,
		final StringBuilder log) throws Exception
	{
		input.setSlice(1);
		input.setRoi(new ij.gui.Roi(6, 6, 12, 10));
		WindowManager.setTempCurrentImage(null);
		EventQueue.invokeAndWait(() -> WindowManager.setCurrentWindow(input.getWindow()));
		Recorder.record = true;
		final Thread answer = new Thread(() -> {
			try {
				final GenericDialog gd = waitForDialog("Inpaint (VE)");
				EventQueue.invokeAndWait(() -> {
					((TextField) gd.getStringFields().get(0)).setText(model);
					@SuppressWarnings("unchecked")
					final Vector<TextField> numbers = gd.getNumericFields();
					numbers.get(0).setText(model.isEmpty() ? "125" : "3"); // steps
				});
				Thread.sleep(500);
				if (shots != null) capture(gd, shots.resolve("inpaint-dialog.png"));
				final Button ok = gd.getButtons()[0];
				EventQueue.invokeLater(() -> gd.actionPerformed(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, "OK")));
			}
			catch (final Exception e) {
				log.append("inpaint dialog: ").append(e).append('\n');
			}
		}, "answer-inpaint");
		answer.start();
		clickMenu(ij, "Inpaint (VE)...", log);
		answer.join(300_000);
		waitFor(() -> WindowManager.getCurrentImage() != null && WindowManager.getCurrentImage().getTitle()
			.startsWith("Inpaint (VE)"), "the inpainting result window");
		final ImagePlus first = WindowManager.getCurrentImage();
		Thread.sleep(500);
		final String recorded = recordedLine("run(\"Inpaint (VE)...\"");
		log.append("inpaint recorded: ").append(recorded).append('\n');
		log.append("inpaint first: ").append(first.getTitle()).append('\n');
		final Object[] pixels = pixels(first);
		first.changes = false;
		first.close();
		Recorder.record = false;
		WindowManager.setCurrentWindow(input.getWindow());
		input.setRoi(new ij.gui.Roi(6, 6, 12, 10));
		IJ.runMacro("selectImage(" + input.getID() + ");\n" + recorded);
		final ImagePlus replay = WindowManager.getCurrentImage();
		final boolean same = replay != null && replay != input && Arrays.deepEquals(pixels, pixels(replay));
		log.append("inpaint identical: ").append(same).append('\n');
		return same;
	}

	/** Every distinct progress text ImageJ 1's status bar shows while it runs ("… network call 3/8"). */
	static final class StatusBarWatch extends Thread {

		final java.util.List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

		StatusBarWatch() {
			super("status-bar-watch");
			setDaemon(true);
		}

		@Override
		public void run() {
			while (!isInterrupted()) {
				final String text = ImageJ.getStatusBarText();
				if (text != null && text.contains("network call") && !seen.contains(text)) seen.add(text);
				try {
					Thread.sleep(5);
				}
				catch (final InterruptedException e) {
					return;
				}
			}
		}
	}

	static void answerDialog(final String model, final Path shots, final StringBuilder log) {
		try {
			final GenericDialog gd = waitForDialog("Generate (VE)");
			EventQueue.invokeAndWait(() -> {
				((TextField) gd.getStringFields().get(0)).setText(model);
				@SuppressWarnings("unchecked")
				final Vector<TextField> numbers = gd.getNumericFields();
				// with the bundled model (empty model field: the README's screenshots) real images; else a short run
				final boolean bundled = model.isEmpty();
				numbers.get(0).setText(bundled ? "8" : "2"); // images
				numbers.get(1).setText(bundled ? "200" : "4"); // steps
			});
			Thread.sleep(500);
			if (shots != null) capture(gd, shots.resolve("dialog.png"));
			final Button ok = gd.getButtons()[0];
			EventQueue.invokeLater(() -> gd.actionPerformed(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, "OK")));
		}
		catch (final Exception e) {
			log.append("dialog: ").append(e).append('\n');
		}
	}

	/** Opens Train Score Model (VE)... from the menu, takes its dialog's picture and cancels it. */
	static void captureTrainDialog(final ImageJ ij, final Path file, final StringBuilder log) throws Exception {
		clickMenu(ij, "Train Score Model (VE)...", null);
		final GenericDialog gd = waitForDialog("Train Score Model (VE)");
		Thread.sleep(500);
		capture(gd, file);
		final Button cancel = gd.getButtons()[1];
		EventQueue.invokeLater(() -> gd.actionPerformed(new ActionEvent(cancel, ActionEvent.ACTION_PERFORMED,
			"Cancel")));
		log.append("train dialog: captured\n");
	}

	/** Fires the menu item with this label as a click would; with a log, notes which menu holds it. */
	static void clickMenu(final ImageJ ij, final String label, final StringBuilder log) {
		final java.awt.MenuItem item = findMenuItem(Menus.getMenuBar(), label);
		if (item == null) throw new IllegalStateException("no " + label + " item in the menu bar");
		if (log != null) log.append("menu: ").append(((java.awt.Menu) item.getParent()).getLabel()).append(" > ")
			.append(item.getLabel()).append('\n');
		EventQueue.invokeLater(() -> ij.actionPerformed(new ActionEvent(item, ActionEvent.ACTION_PERFORMED, item
			.getLabel())));
	}

	static GenericDialog waitForDialog(final String title) throws Exception {
		final GenericDialog[] found = new GenericDialog[1];
		waitFor(() -> {
			for (final Window w : Window.getWindows())
				if (w instanceof GenericDialog && w.isShowing() && title.equals(((GenericDialog) w).getTitle()))
					found[0] = (GenericDialog) w;
			return found[0] != null;
		}, "the " + title + " dialog");
		return found[0];
	}

	private static java.awt.MenuItem findMenuItem(final java.awt.MenuBar bar, final String label) {
		for (int i = 0; i < bar.getMenuCount(); i++) {
			final java.awt.MenuItem found = findMenuItem(bar.getMenu(i), label);
			if (found != null) return found;
		}
		return null;
	}

	private static java.awt.MenuItem findMenuItem(final java.awt.Menu menu, final String label) {
		for (int i = 0; i < menu.getItemCount(); i++) {
			final java.awt.MenuItem item = menu.getItem(i);
			if (item instanceof java.awt.Menu) {
				final java.awt.MenuItem found = findMenuItem((java.awt.Menu) item, label);
				if (found != null) return found;
			}
			else if (label.equals(item.getLabel())) return item;
		}
		return null;
	}

	static String recordedLine(final String start) throws Exception {
		String found = null;
		for (int i = 0; i < 100 && found == null; i++) {
			final String text = Recorder.getInstance().getText();
			for (final String line : text.split("\n"))
				if (line.startsWith(start)) found = line;
			if (found == null) Thread.sleep(100);
		}
		if (found == null) throw new IllegalStateException("the recorder has no " + start + " line: " + Recorder
			.getInstance().getText());
		return found;
	}

	/** Copies of the planes' pixel arrays (bytes for a grey model's stack, ints for RGB). */
	static Object[] pixels(final ImagePlus imp) {
		final Object[] out = new Object[imp.getStackSize()];
		for (int i = 0; i < out.length; i++)
			out[i] = imp.getStack().getProcessor(i + 1).getPixelsCopy();
		return out;
	}

	static void capture(final Window w, final Path file) throws Exception {
		final Rectangle r = w.getBounds();
		final BufferedImage img = new Robot().createScreenCapture(r);
		ImageIO.write(img, "png", new File(file.toString()));
	}

	interface Condition {

		boolean holds() throws Exception;
	}

	static void waitFor(final Condition c, final String what) throws Exception {
		final long end = System.currentTimeMillis() + 120_000;
		while (!c.holds()) {
			if (System.currentTimeMillis() > end) {
				final StringBuilder open = new StringBuilder();
				for (final Window w : Window.getWindows())
					if (w.isShowing()) open.append(" [").append(w instanceof java.awt.Dialog ? ((java.awt.Dialog) w)
						.getTitle() : w instanceof java.awt.Frame ? ((java.awt.Frame) w).getTitle() : w.getName()).append(']');
				throw new IllegalStateException("timed out waiting for " + what + "; showing:" + open);
			}
			Thread.sleep(50);
		}
	}
}
