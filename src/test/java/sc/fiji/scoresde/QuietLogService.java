package sc.fiji.scoresde;

import org.scijava.Priority;
import org.scijava.log.AbstractLogService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogMessage;
import org.scijava.plugin.Plugin;
import org.scijava.service.Service;

/**
 * The SciJava log of the tests (it outranks scijava-common's StderrLogService): messages reach log listeners as
 * always, which is how tests check the errors they provoke, but are echoed as {@code scijava log, error: …} instead of
 * StderrLogService's {@code [ERROR] …}, which a Maven log cannot tell from a failure of the build; an exception is
 * echoed as its one line, not its stack trace. A failing test says so through its assertions.
 */
@Plugin(type = Service.class, priority = Priority.NORMAL)
public final class QuietLogService extends AbstractLogService {

	@Override
	protected void messageLogged(final LogMessage message) {
		final String level = LogLevel.prefix(message.level()).toLowerCase(java.util.Locale.ROOT);
		final String line = "scijava log, " + level + ": " + message.text() + (message.throwable() == null ? "" :
			" (" + message.throwable() + ")");
		(message.level() <= LogLevel.WARN ? System.err : System.out).println(line);
	}
}
