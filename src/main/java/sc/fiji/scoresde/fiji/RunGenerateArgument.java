package sc.fiji.scoresde.fiji;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

import org.scijava.Priority;
import org.scijava.console.AbstractConsoleArgument;
import org.scijava.console.ConsoleArgument;
import org.scijava.log.LogService;
import org.scijava.parse.Items;
import org.scijava.parse.ParseService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.startup.StartupService;

/**
 * {@code --run "Generate (VE)..." 'steps=10,model="…"'} for this command, ahead of scijava-common's own
 * {@code --run}, which silently does nothing for a menu path and ignores misspelled keys: here both are errors that
 * say what to write instead.
 */
@Plugin(type = ConsoleArgument.class, priority = Priority.HIGH)
public class RunGenerateArgument extends AbstractConsoleArgument {


	@Parameter
	private ParseService parser;

	@Parameter
	private StartupService startupService;

	@Parameter
	private LogService log;

	public RunGenerateArgument() {
		super(1, "--run");
	}

	@Override
	public boolean supports(final LinkedList<String> args) {
		return super.supports(args) && args.size() > 1 && refersToThisCommand(args.get(1));
	}

	static boolean refersToThisCommand(final String code) {
		final String c = code.trim();
		return c.equals(GenerateOptions.TITLE) || c.replace('_', ' ').equals(GenerateOptions.TITLE) || c.equals(
			GenerateVeCommand.class.getName()) || isMenuPath(c);
	}

	private static boolean isMenuPath(final String c) {
		return c.replaceAll("\\s*>\\s*", ">").equalsIgnoreCase(GenerateOptions.MENU) || c.endsWith(">" +
			GenerateOptions.TITLE);
	}

	@Override
	public void handle(final LinkedList<String> args) {
		if (!supports(args)) return;
		args.removeFirst(); // --run
		final String code = args.removeFirst();
		final String arg = getParam(args);
		if (arg != null) args.removeFirst();
		if (isMenuPath(code.trim())) {
			log.error("--run takes a command title or class name, not the menu path '" + code + "': use --run \"" +
				GenerateOptions.TITLE + "\" or --run " + GenerateVeCommand.class.getName());
			return;
		}
		final Map<String, Object> inputs = new LinkedHashMap<>();
		if (arg != null && !arg.trim().isEmpty()) {
			final Items items;
			try {
				items = parser.parse(arg);
			}
			catch (final RuntimeException e) {
				log.error("--run \"" + GenerateOptions.TITLE + "\": cannot parse the arguments '" + arg + "' (" + e
					.getMessage() + "); write them as key=value pairs separated by commas, strings in double quotes");
				return;
			}
			if (!items.isMap()) {
				log.error("--run \"" + GenerateOptions.TITLE + "\": arguments must be key=value pairs, got '" + arg + "'");
				return;
			}
			final List<String> unknown = new ArrayList<>();
			for (final Map.Entry<String, Object> kv : items.asMap().entrySet()) {
				if (GenerateOptions.KEYS.contains(kv.getKey())) inputs.put(kv.getKey(), kv.getValue());
				else unknown.add(kv.getKey());
			}
			if (!unknown.isEmpty()) {
				log.error("--run \"" + GenerateOptions.TITLE + "\": unknown option(s) " + unknown + "; the options are " +
					GenerateOptions.KEYS);
				return;
			}
		}
		startupService.addOperation(() -> {
			try {
				final GenerateVeCommand command = GenerateVeCommand.runAndWait(context(), inputs);
				if (command.isCanceled()) log.error("--run \"" + GenerateOptions.TITLE + "\": " + command
					.getCancelReason());
			}
			catch (final Exception e) {
				log.error("--run \"" + GenerateOptions.TITLE + "\" failed: " + e.getMessage(), e);
			}
		});
	}
}
