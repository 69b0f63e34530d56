package sc.fiji.scoresde.hub;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Hugging Face model id {@code org/name} with an optional {@code @revision} (branch, tag or commit). */
public final class ModelId {

	private static final Pattern ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,95})/([A-Za-z0-9][A-Za-z0-9._-]" +
		"{0,95})(?:@([A-Za-z0-9][A-Za-z0-9._/-]{0,200}))?");

	public final String org;
	public final String name;
	public final String revision;

	private ModelId(final String org, final String name, final String revision) {
		this.org = org;
		this.name = name;
		this.revision = revision;
	}

	/** Parses "org/name" or "org/name@revision"; null when the text is not a model id. */
	public static ModelId parse(final String text) {
		final Matcher m = ID.matcher(text.trim());
		if (!m.matches() || text.contains("..")) return null;
		return new ModelId(m.group(1), m.group(2), m.group(3) == null ? "main" : m.group(3));
	}

	public String repo() {
		return org + "/" + name;
	}

	/** The cache folder name huggingface_hub uses: models--org--name. */
	public String cacheFolder() {
		return "models--" + org + "--" + name;
	}

	@Override
	public String toString() {
		return repo() + (revision.equals("main") ? "" : "@" + revision);
	}
}
