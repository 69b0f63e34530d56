package sc.fiji.scoresde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import sc.fiji.scoresde.cli.Main;

/**
 * README.md and docs/*.md: every relative link and anchor leads somewhere, every shell block says whether the build
 * runs it, and the README stays a front door. (ReadmeExamplesIT runs the blocks.)
 */
class DocsTest {

	/** {@code [text](target)} and {@code ![alt](target)}; the target ends at the first space or ')'. */
	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	@Test
	void everyRelativeLinkAndAnchorResolves() {
		final List<String> broken = new ArrayList<>();
		int checked = 0;
		for (final Path page : Readme.pages()) {
			final List<String> lines = Readme.lines(page);
			boolean inCode = false;
			for (int i = 0; i < lines.size(); i++) {
				if (lines.get(i).startsWith("```")) inCode = !inCode;
				if (inCode) continue;
				final Matcher m = LINK.matcher(lines.get(i));
				while (m.find()) {
					final String target = m.group(1);
					if (target.matches("^[a-z]+:.*")) continue; // https:, mailto:
					checked++;
					final int hash = target.indexOf('#');
					final String file = hash < 0 ? target : target.substring(0, hash);
					final Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file)
						.normalize();
					final String where = page + ":" + (i + 1) + ": " + target;
					if (!Files.exists(resolved)) broken.add(where + " (no such file)");
					else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) broken.add(where +
						" (no heading with that anchor; headings give " + anchors(resolved) + ")");
				}
			}
		}
		assertEquals(List.of(), broken);
		assertTrue(checked > 30, "links found: " + checked);
	}

	@Test
	void everyShellBlockIsMarkedRunnableOrSaysWhyNot() {
		final List<String> unmarked = new ArrayList<>();
		int runnable = 0;
		for (final Readme.Block b : Readme.blocks()) {
			if (b.info.isEmpty()) unmarked.add(b + ": a code block without a language (sh, text, ijm, python, ...)");
			if (!b.info.equals("sh")) continue;
			if (b.runnable()) runnable++;
			else if (b.marker == null || !b.marker.startsWith(Readme.NOT_RUN) || !b.marker.endsWith("-->") || b.marker
				.length() < Readme.NOT_RUN.length() + 8) unmarked.add(b + ": a sh block needs '" + Readme.RUNNABLE +
					"' or '<!-- not run: reason -->' on the line before it, not " + b.marker);
		}
		assertEquals(List.of(), unmarked);
		assertTrue(runnable >= 5, "runnable blocks: " + runnable);
	}

	@Test
	void readmeIsAFrontDoorWithTheMainCommandAndTheTestCommand() {
		final List<String> lines = Readme.lines(Path.of("README.md"));
		assertTrue(lines.size() <= 250, "README.md has " + lines.size() + " lines; move details to docs/");
		final List<String> runnable = new ArrayList<>(), all = new ArrayList<>();
		for (final Readme.Block b : Readme.blocks())
			if (b.page.toString().equals("README.md")) {
				all.addAll(b.commands());
				if (b.runnable()) runnable.addAll(b.commands());
			}
		assertTrue(runnable.stream().anyMatch(c -> c.startsWith("bin/score-sde generate ")), "runnable: " + runnable);
		assertTrue(all.contains("mvn -B verify"), "the test command .ci/run calls: " + all);
	}

	@Test
	void everyLauncherLineParsesWithTheOptionsItsCommandHas() throws Exception {
		final List<String> errors = new ArrayList<>();
		int parsed = 0;
		for (final Readme.Block b : Readme.blocks()) {
			if (!b.info.equals("sh")) continue;
			for (final String command : b.commands()) {
				final List<String> words = Readme.words(command);
				final String launcher = words.get(0);
				if (!launcher.equals("bin/score-sde") && !launcher.equals("benchmarks/bin/score-sde-bench")) continue;
				final List<String> args = words.subList(1, words.size());
				if (args.get(0).equals("spark-generate") || args.get(0).equals("bench-spark")) continue; // spark/ build
				final CommandLine cli = commandLine(launcher, args.get(0));
				try {
					if (cli == null) throw new IllegalStateException("no command " + args.get(0) + " behind " + launcher);
					cli.parseArgs(args.toArray(new String[0]));
					parsed++;
				}
				catch (final CommandLine.ParameterException | IllegalStateException e) {
					errors.add(b + ": " + command + "\n    " + e.getMessage());
				}
			}
		}
		assertEquals(List.of(), errors);
		assertTrue(parsed >= 15, "lines parsed: " + parsed);
	}

	/**
	 * The picocli command line behind a launcher that has {@code subcommand}: the CLI's Main, or a command class the
	 * launcher script names (the benchmark launcher's own main class).
	 */
	static CommandLine commandLine(final String launcher, final String subcommand) throws Exception {
		final List<Class<?>> candidates = new ArrayList<>(List.of(Main.class));
		final Path script = Path.of(launcher);
		if (Files.isRegularFile(script)) {
			final Matcher m = Pattern.compile("sc\\.fiji\\.scoresde(\\.\\w+)+").matcher(Files.readString(script));
			while (m.find())
				try {
					candidates.add(Class.forName(m.group()));
				}
				catch (final ClassNotFoundException e) {
					// a class of the Spark build: not on this class path
				}
		}
		else System.out.println("DocsTest: " + launcher + " is not in this checkout; its lines are parsed with " +
			"the commands of " + Main.class.getName());
		for (final Class<?> c : candidates) {
			if (!c.isAnnotationPresent(CommandLine.Command.class)) continue;
			final CommandLine cli = new CommandLine(c);
			if (cli.getSubcommands().containsKey(subcommand)) return cli;
		}
		return null;
	}

	/** GitHub's anchors for the headings of a Markdown file (lower case, punctuation dropped, spaces to '-'). */
	static Set<String> anchors(final Path page) {
		final Set<String> out = new HashSet<>();
		boolean inCode = false;
		for (final String l : Readme.lines(page)) {
			if (l.startsWith("```")) inCode = !inCode;
			if (inCode || !l.startsWith("#")) continue;
			final String text = l.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
			final String base = text.replaceAll("[^\\p{L}\\p{N}\\s_-]", "").replace(' ', '-');
			String anchor = base;
			for (int n = 1; out.contains(anchor); n++)
				anchor = base + "-" + n;
			out.add(anchor);
		}
		return out;
	}
}
