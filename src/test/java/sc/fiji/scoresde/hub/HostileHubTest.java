package sc.fiji.scoresde.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;

/** The hub client against a hub, a cache or a configuration that is wrong or hostile (issue 24). */
class HostileHubTest {

	@TempDir
	Path cache;
	FakeHub hub;
	final List<String> log = new ArrayList<>();
	static final ModelId ID = ModelId.parse("test-org/ncsnpp-tiny");

	@BeforeEach
	void start() throws Exception {
		hub = new FakeHub("test-org/ncsnpp-tiny", pipeline());
	}

	@AfterEach
	void stop() {
		hub.close();
	}

	static Path pipeline() {
		return Fixtures.dir("ncsnpp-tiny").resolve("pipeline");
	}

	HubClient client(final boolean offline, final String token) {
		return new HubClient(new HubSettings(hub.endpoint(), cache, offline, token), log::add);
	}

	Path repo() {
		return cache.resolve("models--test-org--ncsnpp-tiny");
	}

	@Test
	void theTokenDoesNotFollowARedirectToAnotherPortOfTheSameHost() throws Exception {
		try (FakeHub storage = new FakeHub("test-org/ncsnpp-tiny", pipeline())) {
			hub.storage = storage.endpoint();
			client(false, "secret").snapshot(ID, HubClient.Progress.NONE);
			assertTrue(storage.requests.stream().anyMatch(r -> r.startsWith("GET /cdn/")), "the weights came from the " +
				"second port: " + storage.requests);
			assertFalse(storage.requests.stream().anyMatch(r -> r.endsWith(" auth")), "no Authorization header on " +
				"the second port: " + storage.requests);
			assertTrue(hub.requests.stream().anyMatch(r -> r.startsWith("GET /api/") && r.endsWith(" auth")), hub.requests
				.toString());
		}
	}

	@Test
	void theTokenGoesOnlyToTheEndpointsSchemeHostAndPort() {
		final URI endpoint = URI.create("https://huggingface.co");
		assertTrue(HubClient.sendsTokenTo(endpoint, URI.create("https://huggingface.co/org/name/resolve/x")));
		assertTrue(HubClient.sendsTokenTo(endpoint, URI.create("https://HuggingFace.co:443/org/name/resolve/x")));
		assertFalse(HubClient.sendsTokenTo(endpoint, URI.create("http://huggingface.co/org/name/resolve/x")),
			"https to http: the token would travel in clear text");
		assertFalse(HubClient.sendsTokenTo(endpoint, URI.create("http://huggingface.co:443/x")));
		assertFalse(HubClient.sendsTokenTo(endpoint, URI.create("https://huggingface.co:8443/x")));
		assertFalse(HubClient.sendsTokenTo(endpoint, URI.create("https://cdn-lfs.huggingface.co/x")));
		assertTrue(HubClient.sendsTokenTo(URI.create("http://127.0.0.1:8080"), URI.create("http://127.0.0.1:8080/a")));
		assertFalse(HubClient.sendsTokenTo(URI.create("http://127.0.0.1:8080"), URI.create("http://127.0.0.1:8081/a")));
	}

	@Test
	void aRedirectToAnAddressThatIsNotHttpIsRefused() {
		hub.location = "file:///etc/passwd";
		final HubException e = assertThrows(HubException.class, () -> client(false, null).snapshot(ID,
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("'file:///etc/passwd'") && e.getMessage().contains("not an http"), e
			.getMessage());
	}

	@Test
	void offlineRefusesARefThatIsAPathAndNamesTheRefFile() throws Exception {
		client(false, null).snapshot(ID, HubClient.Progress.NONE);
		final Path ref = repo().resolve("refs/main");
		// a complete pipeline outside the cache, reached relatively with .. or by its absolute path
		final String relative = repo().resolve("snapshots").relativize(pipeline().toAbsolutePath()).toString();
		assertTrue(relative.startsWith(".."), relative);
		for (final String hostile : new String[] { relative, pipeline().toAbsolutePath().toString() }) {
			Files.write(ref, hostile.getBytes(StandardCharsets.UTF_8));
			final HubException e = assertThrows(HubException.class, () -> client(true, null).snapshot(ID,
				HubClient.Progress.NONE), "refs/main = " + hostile);
			assertTrue(e.getMessage().contains(ref.toString()) && e.getMessage().contains("'" + hostile + "'") && e
				.getMessage().contains("40 hex digits"), e.getMessage());
		}
		// a ref of megabytes is neither read whole nor repeated whole
		final byte[] big = new byte[4 << 20];
		Arrays.fill(big, (byte) 'a');
		Files.write(ref, big);
		HubException e = assertThrows(HubException.class, () -> client(true, null).snapshot(ID,
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("more than 1024 bytes") && e.getMessage().length() < 600, e.getMessage());
		// what huggingface_hub writes still works, with or without a newline
		Files.write(ref, (FakeHub.COMMIT + "\n").getBytes(StandardCharsets.UTF_8));
		assertEquals(repo().resolve("snapshots").resolve(FakeHub.COMMIT), client(true, null).snapshot(ID,
			HubClient.Progress.NONE));
	}

	@Test
	void aDownloadLongerThanAnnouncedIsCutAtOnceAndNothingIsKept() throws Exception {
		hub.overlong = 64 << 20;
		final long announced = hub.files.get("model_index.json").length;
		final AtomicLong mostReported = new AtomicLong();
		final HubException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
			HubException.class, () -> client(false, null).snapshot(ID, (file, done, total) -> mostReported
				.accumulateAndGet(done, Math::max))));
		assertTrue(e.getMessage().contains("model_index.json") && e.getMessage().contains("longer than the " +
			announced + " bytes"), e.getMessage());
		assertTrue(mostReported.get() <= announced, "bytes kept: " + mostReported.get() + " of " + announced);
		assertTrue(hub.sent.get() < 32 << 20, "the client read on: the hub handed over " + hub.sent.get() + " bytes");
		try (Stream<Path> blobs = Files.list(repo().resolve("blobs"))) {
			assertEquals(0, blobs.count(), "nothing partial left in the cache");
		}
		assertFalse(Files.exists(repo().resolve("snapshots").resolve(FakeHub.COMMIT).resolve("model_index.json")));
	}

	@Test
	void modelInformationOfTheWrongShapeIsAClearMessage() {
		hub.info = "{\"sha\":{\"a\":1},\"siblings\":[]}".getBytes(StandardCharsets.UTF_8);
		HubException e = assertThrows(HubException.class, () -> client(false, null).snapshot(ID,
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("gave no commit") && !e.getMessage().contains("Json"), e.getMessage());
		hub.info = ("{\"sha\":\"" + FakeHub.COMMIT + "\",\"siblings\":[{\"rfilename\":{}}]}").getBytes(
			StandardCharsets.UTF_8);
		e = assertThrows(HubException.class, () -> client(false, null).snapshot(ID, HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("neither model_index.json nor config.json") && !e.getMessage().contains(
			"Json"), e.getMessage());
	}

	@Test
	void anEndlessModelInformationAnswerIsCut() {
		final byte[] answer = new byte[17 << 20];
		Arrays.fill(answer, (byte) ' ');
		answer[answer.length - 2] = '{';
		answer[answer.length - 1] = '}';
		hub.info = answer;
		final HubException e = assertThrows(HubException.class, () -> client(false, null).snapshot(ID,
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("more than 16777216 bytes"), e.getMessage());
	}

	@Test
	void anEndpointThatIsNotAnHttpAddressIsAClearMessage() {
		for (final String endpoint : new String[] { "ftp://127.0.0.1:1", "http://exa mple.org", "huggingface.co" }) {
			final HubClient client = new HubClient(new HubSettings(endpoint, cache, false, null), log::add);
			final HubException e = assertThrows(HubException.class, () -> client.snapshot(ID, HubClient.Progress.NONE),
				endpoint);
			assertTrue(e.getMessage().startsWith("HF_ENDPOINT '" + endpoint + "' is not an http or https address"), e
				.getMessage());
		}
	}
}
