package sc.fiji.scoresde.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A hub-like HTTP server on the loopback address serving one repository: the model-info API, resolve URLs with the
 * hub's headers (ETag, X-Linked-Etag/-Size for LFS files, a redirect to a storage URL for those), byte ranges, and
 * switches to cut a download, corrupt a blob or demand a token, and hostile ones: redirect to another server or to any
 * Location, answer any model information, or send more than the announced size.
 */
public final class FakeHub implements AutoCloseable {

	static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

	final HttpServer server;
	final String repo;
	final Map<String, byte[]> files = new TreeMap<>();
	final Map<String, String> etags = new TreeMap<>();
	final List<String> requests = new CopyOnWriteArrayList<>();
	volatile long cutAfter = -1;
	volatile boolean corrupt;
	volatile String requiredToken;
	/** where LFS files redirect to (e.g. another FakeHub's endpoint); null: this server's /cdn/ */
	volatile String storage;
	/** the Location of LFS redirects, verbatim, when set */
	volatile String location;
	/** the model-information answer, verbatim, when set */
	volatile byte[] info;
	/** bytes a GET of a non-LFS file sends past its announced length (chunked, so the client must cut it) */
	volatile long overlong;
	/** bytes of response bodies handed to the connection */
	final AtomicLong sent = new AtomicLong();

	public FakeHub(final String repo, final Path folder) throws Exception {
		this.repo = repo;
		try (Stream<Path> walk = Files.walk(folder)) {
			for (final Path p : (Iterable<Path>) walk::iterator) {
				if (!Files.isRegularFile(p)) continue;
				final String name = folder.relativize(p).toString().replace('\\', '/');
				final byte[] data = Files.readAllBytes(p);
				files.put(name, data);
				etags.put(name, name.endsWith(".safetensors") || name.endsWith(".bin") ? hex("SHA-256", data) : hex(
					"SHA-1", data));
			}
		}
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/", this::handle);
		server.start();
	}

	public String endpoint() {
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	static String hex(final String algorithm, final byte[] data) throws Exception {
		final StringBuilder sb = new StringBuilder();
		for (final byte b : MessageDigest.getInstance(algorithm).digest(data))
			sb.append(String.format(Locale.ROOT, "%02x", b));
		return sb.toString();
	}

	private boolean lfs(final String name) {
		return etags.get(name).length() == 64;
	}

	private void handle(final HttpExchange ex) throws IOException {
		final String path = ex.getRequestURI().getPath();
		final String range = ex.getRequestHeaders().getFirst("Range");
		final String auth = ex.getRequestHeaders().getFirst("Authorization");
		requests.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range) + (auth == null ? ""
			: " auth"));
		try {
			if (requiredToken != null && !path.startsWith("/cdn/") && !("Bearer " + requiredToken).equals(auth)) {
				send(ex, 401, ("{\"error\":\"Access to model " + repo + " is restricted.\"}").getBytes(
					StandardCharsets.UTF_8));
				return;
			}
			final String api = "/api/models/" + repo + "/revision/";
			if (path.startsWith(api)) {
				final String rev = path.substring(api.length());
				if (info != null) {
					send(ex, 200, info);
					return;
				}
				if (!rev.equals("main") && !rev.equals(COMMIT)) {
					send(ex, 404, "{\"error\":\"Revision Not Found\"}".getBytes(StandardCharsets.UTF_8));
					return;
				}
				final StringBuilder json = new StringBuilder("{\"id\":\"" + repo + "\",\"sha\":\"" + COMMIT +
					"\",\"siblings\":[");
				int i = 0;
				for (final String f : files.keySet())
					json.append(i++ > 0 ? "," : "").append("{\"rfilename\":\"").append(f).append("\"}");
				send(ex, 200, json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
				return;
			}
			final String resolve = "/" + repo + "/resolve/";
			if (path.startsWith(resolve)) {
				final String rest = path.substring(resolve.length());
				final int slash = rest.indexOf('/');
				final String file = rest.substring(slash + 1);
				if (!files.containsKey(file)) {
					send(ex, 404, "Entry not found".getBytes(StandardCharsets.UTF_8));
					return;
				}
				ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
				if (lfs(file)) {
					ex.getResponseHeaders().add("X-Linked-Etag", "\"" + etags.get(file) + "\"");
					ex.getResponseHeaders().add("X-Linked-Size", Long.toString(files.get(file).length));
					ex.getResponseHeaders().add("ETag", "\"" + hex("SHA-1", new byte[0]) + "\"");
					ex.getResponseHeaders().add("Location", location != null ? location : (storage != null ? storage : "") +
						"/cdn/" + etags.get(file));
					ex.sendResponseHeaders(302, -1);
					ex.close();
					return;
				}
				ex.getResponseHeaders().add("ETag", "\"" + etags.get(file) + "\"");
				if (ex.getRequestMethod().equals("HEAD")) {
					ex.getResponseHeaders().add("Content-Length", Integer.toString(files.get(file).length));
					ex.sendResponseHeaders(200, -1);
					ex.close();
					return;
				}
				if (overlong > 0) {
					sendOverlong(ex, files.get(file));
					return;
				}
				send(ex, 200, files.get(file));
				return;
			}
			if (path.startsWith("/cdn/")) {
				final String etag = path.substring(5);
				final String file = etags.entrySet().stream().filter(e -> e.getValue().equals(etag)).map(Map.Entry::getKey)
					.findFirst().orElse(null);
				if (file == null) {
					send(ex, 404, new byte[0]);
					return;
				}
				byte[] data = files.get(file).clone();
				if (corrupt) data[data.length / 2] ^= 0x55;
				int from = 0;
				if (range != null && range.startsWith("bytes=")) from = Integer.parseInt(range.substring(6, range.indexOf(
					'-')));
				final long cut = cutAfter;
				if (cut > 0 && from == 0) {
					// the connection ends after `cut` bytes, as when a network drops mid-download
					cutAfter = -1;
					ex.sendResponseHeaders(200, cut);
					try (OutputStream out = ex.getResponseBody()) {
						out.write(data, 0, (int) cut);
						sent.addAndGet(cut);
					}
					return;
				}
				final int length = data.length - from;
				ex.getResponseHeaders().add("Content-Length", Integer.toString(length));
				ex.sendResponseHeaders(from > 0 ? 206 : 200, length);
				try (OutputStream out = ex.getResponseBody()) {
					out.write(data, from, length);
					sent.addAndGet(length);
				}
				return;
			}
			send(ex, 404, new byte[0]);
		}
		catch (final Exception e) {
			ex.close();
		}
	}

	private void send(final HttpExchange ex, final int status, final byte[] body) throws IOException {
		ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
		if (body.length > 0) try (OutputStream out = ex.getResponseBody()) {
			out.write(body);
			sent.addAndGet(body.length);
		}
		ex.close();
	}

	/** The file, then {@link #overlong} more bytes, without a Content-Length; stops when the client hangs up. */
	private void sendOverlong(final HttpExchange ex, final byte[] data) throws IOException {
		ex.sendResponseHeaders(200, 0);
		try (OutputStream out = ex.getResponseBody()) {
			out.write(data);
			sent.addAndGet(data.length);
			final byte[] more = new byte[1 << 16];
			for (long left = overlong; left > 0; left -= more.length) {
				out.write(more, 0, (int) Math.min(more.length, left));
				sent.addAndGet(Math.min(more.length, left));
			}
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
