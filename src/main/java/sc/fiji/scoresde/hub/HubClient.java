package sc.fiji.scoresde.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import sc.fiji.scoresde.errors.Echo;

/**
 * Fetches a diffusers pipeline (model_index.json, the UNet component, the scheduler config) from the Hugging Face
 * hub into huggingface_hub's cache layout — {@code models--org--name/blobs/<etag>},
 * {@code snapshots/<commit>/<file>} linking to the blob, {@code refs/<revision>} — so that files a Python user
 * already downloaded are reused and ours serve Python too. Downloads resume, are cut at the announced size and checked
 * (size; sha256 for LFS files), and only complete blobs get their final name. The token goes only to the endpoint's
 * own scheme, host and port.
 */
public final class HubClient {

	/** Download progress of one file. */
	@FunctionalInterface
	public interface Progress {

		Progress NONE = (file, done, total) -> {};

		void bytes(String file, long done, long total);
	}

	private static final int ATTEMPTS = 4;
	private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
	/** A ref holds one commit name; more than this is not a ref. */
	private static final int MAX_REF_BYTES = 1024;
	/** The model-info answer of a repository with a hundred thousand files stays well below this. */
	private static final int MAX_INFO_BYTES = 16 << 20;
	/** model_index.json names a handful of components. */
	private static final int MAX_INDEX_BYTES = 1 << 20;

	private final HubSettings settings;
	private final Consumer<String> log;

	public HubClient(final HubSettings settings, final Consumer<String> log) {
		this.settings = settings;
		this.log = log;
	}

	/** The local snapshot folder of the model, downloading what is missing (unless offline). */
	public Path snapshot(final ModelId id, final Progress progress) throws IOException {
		final Path repo = settings.cache.resolve(id.cacheFolder());
		if (settings.offline) return cachedSnapshot(id, repo, "HF_HUB_OFFLINE is set");
		endpoint();
		final String commit;
		final List<String> files;
		try {
			final JsonObject info = apiInfo(id);
			commit = string(info, "sha");
			if (commit == null || !COMMIT.matcher(commit).matches()) throw new HubException(settings.endpoint +
				" gave no commit for " + id + " (sha " + (commit == null ? "absent or not a string" : Echo.quoted(
					commit)) + ")");
			files = siblings(info);
		}
		catch (final ConnectException | java.net.SocketTimeoutException | java.net.UnknownHostException e) {
			log.accept("the hub at " + settings.endpoint + " cannot be reached (" + e.getClass().getSimpleName() +
				"); trying the cache");
			return cachedSnapshot(id, repo, "the hub cannot be reached");
		}
		if (!id.revision.equals(commit)) writeRef(repo, id.revision, commit);
		final Path snapshot = repo.resolve("snapshots").resolve(commit);
		for (final String file : required(id, repo, commit, files, progress))
			fetch(id, repo, commit, file, progress);
		return snapshot;
	}

	/** model_index.json first (it names the UNet component), then the component's config and weights. */
	private List<String> required(final ModelId id, final Path repo, final String commit, final List<String> files,
		final Progress progress) throws IOException
	{
		final List<String> out = new ArrayList<>();
		if (files.contains("model_index.json")) {
			final Path index = fetch(id, repo, commit, "model_index.json", progress);
			final String component = component(index);
			out.add(component + "/config.json");
			out.add(weights(id, files, component + "/"));
			if (files.contains("scheduler/scheduler_config.json")) out.add("scheduler/scheduler_config.json");
		}
		else if (files.contains("config.json")) {
			out.add("config.json");
			out.add(weights(id, files, ""));
		}
		else throw new HubException(id + " has neither model_index.json nor config.json (files: " + files + ")");
		return out;
	}

	private static String weights(final ModelId id, final List<String> files, final String prefix)
		throws HubException
	{
		for (final String name : new String[] { "diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin" })
			if (files.contains(prefix + name)) return prefix + name;
		throw new HubException(id + " has no weights in " + (prefix.isEmpty() ? "its top folder" : prefix) +
			" (expected diffusion_pytorch_model.safetensors or .bin)");
	}

	static String component(final Path index) throws HubException {
		final JsonElement e;
		try (InputStream in = Files.newInputStream(index)) {
			final byte[] bytes = in.readNBytes(MAX_INDEX_BYTES + 1);
			if (bytes.length > MAX_INDEX_BYTES) throw new HubException(index + " is not a valid model_index.json (over " +
				MAX_INDEX_BYTES + " bytes; a pipeline's index names a few components)");
			e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
		}
		catch (final IOException | JsonParseException ex) {
			throw new HubException(index + " is not a valid model_index.json (" + (ex instanceof JsonParseException
				? "not JSON" : Echo.of(ex.getMessage())) + ")");
		}
		if (!e.isJsonObject()) throw new HubException(index + " is not a valid model_index.json (expected a JSON " +
			"object naming the pipeline's components)");
		for (final String c : new String[] { "unet", "model" })
			if (e.getAsJsonObject().has(c)) return c;
		throw new HubException(index + " names no unet or model component");
	}

	private Path cachedSnapshot(final ModelId id, final Path repo, final String why) throws HubException {
		String commit = COMMIT.matcher(id.revision).matches() ? id.revision : null;
		final Path ref = repo.resolve("refs").resolve(id.revision);
		if (commit == null && Files.isRegularFile(ref)) commit = readRef(ref);
		if (commit == null || !Files.isDirectory(repo.resolve("snapshots").resolve(commit))) {
			throw new HubException(why + " and " + id + " is not in the cache " + settings.cache + " (no " + repo
				.relativize(ref) + " under " + repo + "); download it once while online");
		}
		final Path snapshot = repo.resolve("snapshots").resolve(commit);
		final List<String> missing = new ArrayList<>();
		if (Files.exists(snapshot.resolve("model_index.json"))) {
			try {
				final String component = component(snapshot.resolve("model_index.json"));
				need(snapshot, component + "/config.json", missing);
				if (!Files.exists(snapshot.resolve(component + "/diffusion_pytorch_model.safetensors")) && !Files.exists(
					snapshot.resolve(component + "/diffusion_pytorch_model.bin"))) missing.add(component +
						"/diffusion_pytorch_model.safetensors (or .bin)");
			}
			catch (final HubException e) {
				missing.add("a valid model_index.json");
			}
		}
		else if (Files.exists(snapshot.resolve("config.json"))) {
			if (!Files.exists(snapshot.resolve("diffusion_pytorch_model.safetensors")) && !Files.exists(snapshot.resolve(
				"diffusion_pytorch_model.bin"))) missing.add("diffusion_pytorch_model.safetensors (or .bin)");
		}
		else missing.add("model_index.json");
		if (!missing.isEmpty()) throw new HubException(why + " and the cached snapshot " + snapshot + " of " + id +
			" lacks " + String.join(", ", missing));
		log.accept("using the cached snapshot " + snapshot + " (" + why + ")");
		return snapshot;
	}

	/**
	 * The commit a ref names. Only a commit name is accepted: the snapshot folder is found by it, so a path would lead
	 * out of the cache.
	 */
	private static String readRef(final Path ref) throws HubException {
		final byte[] bytes;
		try (InputStream in = Files.newInputStream(ref)) {
			bytes = in.readNBytes(MAX_REF_BYTES + 1);
		}
		catch (final IOException e) {
			throw new HubException("the ref file " + ref + " cannot be read (" + Echo.of(e.getMessage()) + ")", e);
		}
		final String text = new String(bytes, StandardCharsets.UTF_8).trim();
		if (bytes.length <= MAX_REF_BYTES && COMMIT.matcher(text).matches()) return text;
		throw new HubException("the ref file " + ref + " holds " + (bytes.length > MAX_REF_BYTES ? "more than " +
			MAX_REF_BYTES + " bytes" : Echo.quoted(text)) + ", not a commit name (40 hex digits); delete it and " +
			"download the model again while online");
	}

	private static void need(final Path snapshot, final String file, final List<String> missing) {
		if (!Files.exists(snapshot.resolve(file))) missing.add(file);
	}

	// --- HTTP (HttpURLConnection: it has read timeouts, so a stalled download fails instead of hanging) ---

	private static final int CONNECT_TIMEOUT_MS = 20_000;
	private static final int READ_TIMEOUT_MS = 60_000;

	private HttpURLConnection open(final URI uri, final String method, final boolean withToken) throws IOException {
		final HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
		c.setRequestMethod(method);
		c.setInstanceFollowRedirects(false);
		c.setConnectTimeout(CONNECT_TIMEOUT_MS);
		c.setReadTimeout(READ_TIMEOUT_MS);
		c.setRequestProperty("User-Agent", "score-sde-ve/0.1 (Java)");
		if (withToken && settings.token != null) c.setRequestProperty("Authorization", "Bearer " + settings.token);
		return c;
	}

	/** The endpoint as an address; HF_ENDPOINT is the user's to set, so it is checked before it is used. */
	private URI endpoint() throws HubException {
		try {
			final URI uri = new URI(settings.endpoint);
			if (isHttp(uri) && uri.getHost() != null) return uri;
		}
		catch (final URISyntaxException e) {
			// answered below
		}
		throw new HubException("HF_ENDPOINT " + Echo.quoted(settings.endpoint) + " is not an http or https address " +
			"(expected e.g. https://huggingface.co); correct it or unset it");
	}

	private static boolean isHttp(final URI uri) {
		return "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
	}

	/**
	 * Whether a request to {@code target} may carry the token: only to the endpoint's own scheme, host and port, so a
	 * redirect to another port of the same host, or from https to http, does not receive (or expose) it.
	 */
	static boolean sendsTokenTo(final URI endpoint, final URI target) {
		return endpoint.getScheme() != null && endpoint.getScheme().equalsIgnoreCase(target.getScheme()) &&
			endpoint.getHost() != null && endpoint.getHost().equalsIgnoreCase(target.getHost()) && port(endpoint) == port(
				target);
	}

	private static int port(final URI uri) {
		if (uri.getPort() >= 0) return uri.getPort();
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	private JsonObject apiInfo(final ModelId id) throws IOException {
		final URI uri = URI.create(settings.endpoint + "/api/models/" + id.repo() + "/revision/" + id.revision);
		final HttpURLConnection c = open(uri, "GET", true);
		try {
			check(c.getResponseCode(), id, "model information", uri);
			final byte[] body;
			try (InputStream in = c.getInputStream()) {
				body = in.readNBytes(MAX_INFO_BYTES + 1);
			}
			if (body.length > MAX_INFO_BYTES) throw new HubException(uri + " answered more than " + MAX_INFO_BYTES +
				" bytes of model information for " + id + "; is HF_ENDPOINT a Hugging Face hub?");
			final JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
			if (!e.isJsonObject()) throw new HubException(uri + " did not answer a JSON object");
			return e.getAsJsonObject();
		}
		catch (final JsonParseException e) {
			throw new HubException(uri + " answered something that is not JSON; is HF_ENDPOINT a Hugging Face hub?");
		}
		finally {
			c.disconnect();
		}
	}

	/** A string member, or null when it is missing or not a string. */
	private static String string(final JsonObject o, final String key) {
		final JsonElement e = o.get(key);
		return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
	}

	private static List<String> siblings(final JsonObject info) {
		final Set<String> out = new LinkedHashSet<>();
		if (info.has("siblings") && info.get("siblings").isJsonArray()) {
			for (final JsonElement s : info.getAsJsonArray("siblings")) {
				final String name = s.isJsonObject() ? string(s.getAsJsonObject(), "rfilename") : null;
				if (name != null) out.add(name);
			}
		}
		return new ArrayList<>(out);
	}

	private void check(final int status, final ModelId id, final String what, final URI uri) throws HubException {
		if (status / 100 == 2) return;
		if (status == 401 || status == 403) throw new HubException("the hub refused " + what + " of " + id + " (HTTP " +
			status + "): the repository is private or gated, or the token is wrong; " + (settings.token == null
				? "set HF_TOKEN (or log in with huggingface-cli, which writes " + "$HF_HOME/token)"
				: "check HF_TOKEN"));
		if (status == 404) throw new HubException("the hub has no " + what + " for " + id + " (HTTP 404 from " + uri +
			"): check the model id and the revision '" + id.revision + "'");
		throw new HubException("the hub answered HTTP " + status + " for " + what + " of " + id + " (" + uri + ")");
	}

	// --- files ---

	/** The snapshot path of one file, downloading its blob when the cache lacks it. */
	private Path fetch(final ModelId id, final Path repo, final String commit, final String file,
		final Progress progress) throws IOException
	{
		final Path target = repo.resolve("snapshots").resolve(commit).resolve(file);
		if (Files.exists(target)) {
			log.accept("cached: " + file);
			return target;
		}
		final URI uri = URI.create(settings.endpoint + "/" + id.repo() + "/resolve/" + commit + "/" + file);
		final HttpURLConnection head = open(uri, "HEAD", true);
		final String etag;
		final long size;
		try {
			final int status = head.getResponseCode();
			if (status / 100 != 3) check(status, id, file, uri);
			etag = cleanEtag(head.getHeaderField("X-Linked-Etag") != null ? head.getHeaderField("X-Linked-Etag") : head
				.getHeaderField("ETag"));
			final String linked = head.getHeaderField("X-Linked-Size");
			size = linked != null ? Long.parseLong(linked.trim()) : head.getContentLengthLong();
		}
		catch (final NumberFormatException e) {
			throw new HubException("the hub gave an unreadable size for " + file + " of " + id);
		}
		finally {
			head.disconnect();
		}
		// without a size a download could not be cut where it should end
		if (size < 0) throw new HubException("the hub announced no size for " + file + " of " + id + " (no " +
			"Content-Length or X-Linked-Size in its answer to HEAD " + Echo.of(uri) + "); is HF_ENDPOINT a Hugging " +
			"Face hub?");
		if (etag == null || !etag.matches("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")) throw new HubException("the hub gave no" +
			" usable ETag for " + file + " of " + id + " (got " + (etag == null ? "none" : Echo.quoted(etag)) + ")");
		final Path blob = repo.resolve("blobs").resolve(etag);
		if (!Files.exists(blob)) download(id, uri, file, blob, size, etag, progress);
		else log.accept("cached blob: " + file);
		link(target, blob);
		return target;
	}

	static String cleanEtag(final String etag) {
		if (etag == null) return null;
		String e = etag.trim();
		if (e.startsWith("W/")) e = e.substring(2);
		if (e.startsWith("\"") && e.endsWith("\"") && e.length() >= 2) e = e.substring(1, e.length() - 1);
		return e;
	}

	private void download(final ModelId id, final URI uri, final String file, final Path blob, final long size,
		final String etag, final Progress progress) throws IOException
	{
		Files.createDirectories(blob.getParent());
		final Path partial = blob.resolveSibling(etag + ".incomplete");
		IOException last = null;
		for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
			final long have = Files.exists(partial) ? Files.size(partial) : 0;
			if (have > size) Files.delete(partial);
			try {
				fetchRange(id, uri, file, partial, Files.exists(partial) ? Files.size(partial) : 0, size, progress);
				last = null;
				break;
			}
			catch (final HubException e) {
				throw e;
			}
			catch (final IOException e) {
				last = e;
				log.accept("download of " + file + " broke off (" + e.getMessage() + "); resuming (attempt " + (attempt +
					1) + " of " + ATTEMPTS + ")");
			}
		}
		if (last != null) throw new HubException("could not download " + file + " of " + id + " after " + ATTEMPTS +
			" attempts (" + last.getMessage() + "); what was fetched stays in " + partial + " and the next run resumes", last);
		final long got = Files.size(partial);
		if (got != size) {
			Files.delete(partial);
			throw new HubException("download of " + file + " of " + id + " has " + got + " bytes, the hub announced " +
				size + "; removed it");
		}
		if (etag.length() == 64) {
			final String sha = sha256(partial);
			if (!sha.equalsIgnoreCase(etag)) {
				Files.delete(partial);
				throw new HubException("download of " + file + " of " + id + " is corrupted: sha256 " + sha +
					", the hub announced " + etag + "; removed it, try again");
			}
		}
		Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * GETs the rest of the file from {@code offset} on, appending to {@code partial}, following redirects. Reads at
	 * most one byte past the announced {@code size}: a longer answer is refused at once and what was fetched removed.
	 */
	private void fetchRange(final ModelId id, URI uri, final String file, final Path partial, final long offset,
		final long size, final Progress progress) throws IOException
	{
		final URI endpoint = endpoint();
		boolean withToken = sendsTokenTo(endpoint, uri);
		for (int hop = 0; hop < 6; hop++) {
			final HttpURLConnection c = open(uri, "GET", withToken);
			if (offset > 0) c.setRequestProperty("Range", "bytes=" + offset + "-");
			try {
				final int status = c.getResponseCode();
				if (status / 100 == 3) {
					final URI next = redirect(uri, c.getHeaderField("Location"), file);
					// once a redirect has left the hub, the token stays behind for the rest of the way
					withToken = withToken && sendsTokenTo(endpoint, next);
					uri = next;
					continue;
				}
				if (offset > 0 && status == 200) {
					// the server ignored the range: start over
					Files.deleteIfExists(partial);
					fetchRange(id, uri, file, partial, 0, size, progress);
					return;
				}
				if (status != 200 && status != 206) check(status, id, file, uri);
				final boolean tooLong;
				if (c.getContentLengthLong() > size - offset) tooLong = true;
				else try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(partial,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND))
				{
					tooLong = copy(in, out, file, offset, size, progress);
				}
				if (tooLong) {
					Files.deleteIfExists(partial);
					throw new HubException("the download of " + file + " of " + id + " is longer than the " + size +
						" bytes the hub announced; stopped it and removed what was fetched (is HF_ENDPOINT a Hugging Face " +
						"hub?)");
				}
				if (Files.size(partial) < size) throw new IOException("connection closed after " + Files.size(partial) +
					" of " + size + " bytes");
				return;
			}
			finally {
				c.disconnect();
			}
		}
		throw new HubException("too many redirects for " + file + " of " + id);
	}

	private static URI redirect(final URI from, final String location, final String file) throws HubException {
		if (location == null) throw new HubException("the hub redirected " + file + " without a Location");
		try {
			final URI next = from.resolve(new URI(location));
			if (isHttp(next) && next.getHost() != null) return next;
		}
		catch (final URISyntaxException | IllegalArgumentException e) {
			// answered below
		}
		throw new HubException("the hub redirected " + file + " to " + Echo.quoted(location) + ", which is not an " +
			"http or https address");
	}

	/**
	 * Appends the body to {@code out} up to the announced size; true when the body goes on past it (the byte that
	 * shows it is read, never written).
	 */
	private static boolean copy(final InputStream in, final OutputStream out, final String file, final long offset,
		final long size, final Progress progress) throws IOException
	{
		final byte[] buf = new byte[1 << 16];
		long done = offset;
		long lastReport = 0;
		while (true) {
			final int n = in.read(buf, 0, (int) Math.min(buf.length, size - done + 1));
			if (n < 0) break;
			if (Thread.currentThread().isInterrupted()) throw new HubException("download of " + file +
				" interrupted; the next run resumes it");
			if (done + n > size) return true;
			out.write(buf, 0, n);
			done += n;
			if (done - lastReport >= 1 << 20) {
				progress.bytes(file, done, size);
				lastReport = done;
			}
		}
		progress.bytes(file, done, size);
		return false;
	}

	static String sha256(final Path file) throws IOException {
		try {
			final MessageDigest md = MessageDigest.getInstance("SHA-256");
			try (InputStream in = Files.newInputStream(file)) {
				final byte[] buf = new byte[1 << 16];
				int n;
				while ((n = in.read(buf)) >= 0)
					md.update(buf, 0, n);
			}
			final StringBuilder sb = new StringBuilder();
			for (final byte b : md.digest())
				sb.append(String.format(Locale.ROOT, "%02x", b));
			return sb.toString();
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static void writeRef(final Path repo, final String revision, final String commit) throws IOException {
		final Path ref = repo.resolve("refs").resolve(revision);
		Files.createDirectories(ref.getParent());
		final Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
		Files.write(tmp, commit.getBytes(StandardCharsets.UTF_8));
		Files.move(tmp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	/** snapshots/<commit>/<file> → ../../blobs/<etag> (relative, as huggingface_hub makes it); a copy where links fail. */
	private static void link(final Path target, final Path blob) throws IOException {
		Files.createDirectories(target.getParent());
		try {
			Files.createSymbolicLink(target, target.getParent().relativize(blob));
		}
		catch (final UnsupportedOperationException | IOException e) {
			if (Files.exists(target)) return;
			Files.copy(blob, target);
		}
	}
}
