package sc.fiji.scoresde.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Benchmarks with their own argument parsing, run as subcommands of score-sde-bench. */
final class PassThroughCommands {

	private PassThroughCommands() {}

	@Command(name = "bench-threads", mixinStandardHelpOptions = true, description = { "libtorch thread policies, " +
		"quiet and beside a CPU hog: DJL's defaults, one thread, the plugin's policy (28² bundled model, 64² NCSN++).",
		"Options: --rounds N (1), --steps28 N (10), --steps64 N (5), --limit SECONDS" })
	static final class Threads implements Callable<Integer> {

		@Unmatched
		List<String> args = new ArrayList<>();

		@Override
		public Integer call() throws Exception {
			ThreadPolicyBench.main(args.toArray(new String[0]));
			return 0;
		}
	}

	@Command(name = "bench-engine-thread", mixinStandardHelpOptions = true, description = {
		"One generation (a) on the main thread, (b) on a second thread started after (a)'s, (c) through the ImageJ 1 " +
			"menu entry headless; prints the ratios and checks the pixels are the same.",
		"Options: --mode engine|direct (engine: the plugin's engine thread; direct: each caller's own thread), --steps N" })
	static final class EngineThread implements Callable<Integer> {

		@Unmatched
		List<String> args = new ArrayList<>();

		@Override
		public Integer call() throws Exception {
			EngineThreadBench.main(args.toArray(new String[0]));
			return 0;
		}
	}
}
