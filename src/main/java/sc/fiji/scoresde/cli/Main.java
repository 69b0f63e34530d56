package sc.fiji.scoresde.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CancellationException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import sc.fiji.scoresde.errors.Echo;
import sc.fiji.scoresde.errors.InvalidOptionException;

/** {@code score-sde}: generation and model inspection from the command line, for scripts, CI and batch runs. */
@Command(name = "score-sde", mixinStandardHelpOptions = true, version = "score-sde 0.1.0",
	description = "Score SDE (variance exploding) image generation with diffusers ScoreSdeVePipeline models.",
	subcommands = { GenerateCommand.class, TrainCommand.class, EvaluateCommand.class, InfoCommand.class, RestoreCommands.Inpaint.class, RestoreCommands.Colorize.class, RestoreCommands.Upscale.class, RestoreCommands.Denoise.class, RestoreCommands.Edit.class, LikelihoodCommands.Likelihood.class, LikelihoodCommands.Interpolate.class,
		CommandLine.HelpCommand.class })
public final class Main implements Runnable {

	/** Longest error line printed: a safety net for messages that repeat too much of the input. */
	static final int MAX_LINE = 1000;

	/** Set (to anything) to print the stack trace of an unexpected error after its one line. */
	static final String DEBUG_VARIABLE = "SCORE_SDE_DEBUG";

	@Override
	public void run() {
		CommandLine.usage(this, System.err);
	}

	/** Exit code of a run the user stopped. */
	static final int STOPPED = 130;

	/** Runs the command line and returns the exit code (0 success, 1 failure, 2 usage error, 130 stopped). */
	public static int run(final PrintWriter out, final PrintWriter err, final String... args) {
		final CommandLine cli = new CommandLine(new Main());
		cli.setOut(out);
		cli.setErr(err);
		cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
			final InvalidOptionException usage = find(e, InvalidOptionException.class);
			if (usage != null) return usageError(commandLine, oneLine(usage));
			final CancellationException stopped = find(e, CancellationException.class);
			if (stopped != null) return stopped(commandLine.getErr(), stopped);
			return failure(commandLine.getErr(), e);
		});
		cli.setParameterExceptionHandler((e, args1) -> usageError(e.getCommandLine(), UsageErrors.sentence(e)));
		try {
			return cli.execute(args);
		}
		catch (final RuntimeException | Error e) {
			// picocli hands Errors (OutOfMemoryError, ...) through: they get one line as well
			return failure(err, e);
		}
		finally {
			err.flush();
			Interruption.reported();
		}
	}

	/** A run the user stopped (Ctrl-C, SIGTERM): 130 as shells report Ctrl-C; after a signal the JVM's 128 + signal. */
	private static int stopped(final PrintWriter err, final CancellationException e) {
		err.println("score-sde: stopped: " + oneLine(e) + "; no output was written");
		err.flush();
		return STOPPED;
	}

	private static int usageError(final CommandLine commandLine, final String message) {
		final PrintWriter err = commandLine.getErr();
		err.println("score-sde: " + message);
		err.println("see '" + commandLine.getCommandSpec().qualifiedName() + " --help'");
		err.flush();
		return 2;
	}

	private static int failure(final PrintWriter err, final Throwable e) {
		err.println("score-sde: error: " + oneLine(e));
		if (System.getenv(DEBUG_VARIABLE) != null) e.printStackTrace(err);
		err.flush();
		return 1;
	}

	private static <T extends Throwable> T find(final Throwable e, final Class<T> type) {
		for (Throwable t = e; t != null; t = t.getCause())
			if (type.isInstance(t)) return type.cast(t);
		return null;
	}

	/**
	 * The error as one line for the user: the message written for them, at most {@link #MAX_LINE} characters, with
	 * no exception class names; errors whose text is not written for users (NullPointerException, ...) get a
	 * sentence instead.
	 */
	static String oneLine(final Throwable e) {
		Throwable t = e;
		// wrappers without words of their own: new RuntimeException(cause) has the cause's toString as its message
		while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isEmpty() || t.getMessage().equals(t
			.getCause().toString())))
			t = t.getCause();
		String m = describe(t);
		// libtorch appends its C++ trace to the reason
		final int trace = m.indexOf("Exception raised from ");
		if (trace > 0) m = m.substring(0, trace);
		m = m.replaceAll("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:? ?", "").replaceAll(
			"\\p{Cntrl}", " ").replaceAll("\\s+", " ").trim();
		if (m.isEmpty()) m = internalError();
		return m.length() <= MAX_LINE ? m : m.substring(0, MAX_LINE) + "… (" + m.length() + " characters)";
	}

	private static String describe(final Throwable t) {
		if (t instanceof OutOfMemoryError) return "Java ran out of memory (" + Echo.of(t.getMessage()) + "); give it " +
			"more with JAVA_OPTS=-Xmx… or use a smaller --batch";
		if (t instanceof NoSuchFileException) return "no such file or folder: " + paths((FileSystemException) t);
		if (t instanceof AccessDeniedException) return "permission denied: " + paths((FileSystemException) t);
		if (t instanceof FileAlreadyExistsException) return "already exists: " + paths((FileSystemException) t);
		if (t instanceof NotDirectoryException) return "not a folder: " + paths((FileSystemException) t);
		if (t instanceof DirectoryNotEmptyException) return "folder not empty: " + paths((FileSystemException) t);
		if (t instanceof FileSystemException) {
			final FileSystemException f = (FileSystemException) t;
			return paths(f) + ": " + (f.getReason() != null ? f.getReason() : "the file system refused it");
		}
		// runtime errors of the JDK carry texts for programmers ("For input string", "Cannot invoke ...")
		if (t instanceof NullPointerException || t instanceof ClassCastException || t instanceof NumberFormatException ||
			t instanceof IndexOutOfBoundsException || t instanceof ArithmeticException ||
			t instanceof NegativeArraySizeException || t instanceof ArrayStoreException ||
			t instanceof IllegalMonitorStateException || t instanceof StackOverflowError || t.getMessage() == null)
			return internalError();
		return t.getMessage();
	}

	private static String paths(final FileSystemException e) {
		return Echo.of(e.getFile()) + (e.getOtherFile() != null ? " → " + Echo.of(e.getOtherFile()) : "");
	}

	private static String internalError() {
		return "an internal error stopped the run (please report it with the command line; " + DEBUG_VARIABLE +
			"=1 prints the details)";
	}

	public static void main(final String[] args) {
		final int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
		System.exit(code);
	}
}
