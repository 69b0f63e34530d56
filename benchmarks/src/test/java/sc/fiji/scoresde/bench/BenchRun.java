package sc.fiji.scoresde.bench;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of {@code score-sde-bench}: exit code, stdout and stderr. */
final class BenchRun {

	final int code;
	final String out;
	final String err;

	private BenchRun(final int code, final String out, final String err) {
		this.code = code;
		this.out = out;
		this.err = err;
	}

	static BenchRun of(final String... args) {
		final StringWriter out = new StringWriter(), err = new StringWriter();
		final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
		return new BenchRun(code, out.toString(), err.toString());
	}
}
