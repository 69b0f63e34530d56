package sc.fiji.scoresde.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code score-sde}: generation and model inspection from the command line, for scripts, CI and batch runs. */
@Command(name = "score-sde", mixinStandardHelpOptions = true, version = "score-sde 0.1.0",
	description = "Score SDE (variance exploding) image generation with diffusers ScoreSdeVePipeline models.",
	subcommands = { GenerateCommand.class, TrainCommand.class, EvaluateCommand.class, InfoCommand.class, BenchCommand.class, SamplerBenchCommand.class, QualityBenchCommand.class, PosteriorBenchCommand.class, RestoreCommands.Inpaint.class, RestoreCommands.Colorize.class, RestoreCommands.Denoise.class, RestoreCommands.Edit.class, RestoreBenchCommand.class, RestoreFigureCommand.class, LikelihoodCommands.Likelihood.class, LikelihoodCommands.Interpolate.class,
		MemoryBenchCommand.class, ReleaseBenchCommand.class, ScalingBenchCommand.class, CommandLine.HelpCommand.class })
public final class Main implements Runnable {

	@Override
	public void run() {
		CommandLine.usage(this, System.err);
	}

	/** Runs the command line and returns the exit code (0 success, 1 failure, 2 usage error). */
	public static int run(final PrintWriter out, final PrintWriter err, final String... args) {
		final CommandLine cli = new CommandLine(new Main());
		cli.setOut(out);
		cli.setErr(err);
		cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
			commandLine.getErr().println("score-sde: error: " + oneLine(e));
			commandLine.getErr().flush();
			return 1;
		});
		cli.setParameterExceptionHandler((e, args1) -> {
			e.getCommandLine().getErr().println("score-sde: " + e.getMessage());
			e.getCommandLine().getErr().println("see 'score-sde " + e.getCommandLine().getCommandName() + " --help'");
			return 2;
		});
		return cli.execute(args);
	}

	static String oneLine(final Throwable e) {
		Throwable t = e;
		while ((t.getMessage() == null || t.getMessage().isEmpty()) && t.getCause() != null)
			t = t.getCause();
		final String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
		return m.replace('\n', ' ').replaceAll("\\s+", " ");
	}

	public static void main(final String[] args) {
		final int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
		System.exit(code);
	}
}
