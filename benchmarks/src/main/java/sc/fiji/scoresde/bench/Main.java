package sc.fiji.scoresde.bench;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code score-sde-bench}: the benchmarks and figure makers of the project, apart from the plugin so that its jar and
 * {@code score-sde help} hold only what users run.
 */
@Command(name = "score-sde-bench", mixinStandardHelpOptions = true, version = "score-sde-bench 0.1.0",
	description = "Benchmarks (speed, sampler and restoration accuracy, memory, scaling) and the README's figures.",
	footer = "%nbench-spark (throughput of the Spark job, spark/) runs through this launcher as well.",
	subcommands = { BenchCommand.class, SamplerBenchCommand.class, QualityBenchCommand.class,
		PosteriorBenchCommand.class, RestoreBenchCommand.class, CalibrationBenchCommand.class, UpscaleFigureCommand.class, RestoreFigureCommand.class, MemoryBenchCommand.class,
		ReleaseBenchCommand.class, ScalingBenchCommand.class, PassThroughCommands.Threads.class,
		PassThroughCommands.EngineThread.class, SmcBenchCommand.class, CommandLine.HelpCommand.class })
public final class Main implements Runnable {

	/** Set (to anything) to print the stack trace of an error after its one line. */
	static final String DEBUG_VARIABLE = "SCORE_SDE_DEBUG";

	@Override
	public void run() {
		CommandLine.usage(this, System.err);
	}

	/** Runs the command line and returns the exit code (0 success, 1 failure, 2 usage error). */
	public static int run(final PrintWriter out, final PrintWriter err, final String... args) {
		final CommandLine cli = new CommandLine(new Main());
		cli.setOut(out);
		cli.setErr(err);
		cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(commandLine.getErr(), e));
		cli.setParameterExceptionHandler((e, args1) -> {
			final PrintWriter w = e.getCommandLine().getErr();
			w.println("score-sde-bench: " + e.getMessage());
			w.println("see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
			w.flush();
			return 2;
		});
		return cli.execute(args);
	}

	private static int failure(final PrintWriter err, final Throwable e) {
		Throwable t = e;
		while (t.getCause() != null && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString())))
			t = t.getCause();
		err.println("score-sde-bench: error: " + (t.getMessage() != null ? t.getMessage() : t.toString()) +
			(System.getenv(DEBUG_VARIABLE) == null ? " (" + DEBUG_VARIABLE + "=1 prints the stack trace)" : ""));
		if (System.getenv(DEBUG_VARIABLE) != null) e.printStackTrace(err);
		err.flush();
		return 1;
	}

	public static void main(final String[] args) {
		System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
	}
}
