package sc.fiji.scoresde.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.scoresde.Fixtures;
import sc.fiji.scoresde.generate.GenerationRequest;
import sc.fiji.scoresde.generate.GenerationService;
import sc.fiji.scoresde.runtime.LoadedModel;

/** The hub client against a hub-like server on 127.0.0.1 that serves the ncsnpp-tiny fixture pipeline. */
class HubClientTest {

	@TempDir
	Path cache;
	FakeHub hub;
	final List<String> log = new ArrayList<>();
	static final ModelId ID = ModelId.parse("test-org/ncsnpp-tiny");

	@BeforeEach
	void start() throws Exception {
		hub = new FakeHub("test-org/ncsnpp-tiny", Fixtures.dir("ncsnpp-tiny").resolve("pipeline"));
	}

	@AfterEach
	void stop() {
		hub.close();
	}

	HubClient client(final boolean offline, final String token) {
		return new HubClient(new HubSettings(hub.endpoint(), cache, offline, token), log::add);
	}

	Path repo() {
		return cache.resolve("models--test-org--ncsnpp-tiny");
	}

	long downloads() {
		return hub.requests.stream().filter(r -> r.startsWith("GET /cdn/") || (r.startsWith("GET /test-org/") && r
			.contains("/resolve/"))).count();
	}

	@Test
	void firstDownloadFillsHuggingfaceHubsCacheLayoutAndTheModelRuns() throws Exception {
		final List<long[]> progress = new ArrayList<>();
		final Path snapshot = client(false, null).snapshot(ID, (f, done, total) -> progress.add(new long[] { done,
			total }));
		assertEquals(repo().resolve("snapshots").resolve(FakeHub.COMMIT), snapshot);
		assertEquals(FakeHub.COMMIT, new String(Files.readAllBytes(repo().resolve("refs/main")), StandardCharsets.UTF_8));
		final Path weights = snapshot.resolve("unet/diffusion_pytorch_model.safetensors");
		assertTrue(Files.isSymbolicLink(weights), "snapshot files link to blobs");
		assertEquals(Path.of("../../../blobs/" + hub.etags.get("unet/diffusion_pytorch_model.safetensors")), Files
			.readSymbolicLink(weights));
		for (final String f : new String[] { "model_index.json", "unet/config.json", "scheduler/scheduler_config.json" })
			assertTrue(Files.exists(snapshot.resolve(f)), f);
		assertTrue(progress.stream().anyMatch(p -> p[0] == p[1] && p[1] == hub.files.get(
			"unet/diffusion_pytorch_model.safetensors").length), "progress reached the weights' size");
		final GenerationRequest r = new GenerationRequest();
		r.sampler.steps = 10;
		r.batch = 2;
		r.seed = 0L;
		try (LoadedModel m = LoadedModel.load(snapshot, Device.cpu(), w -> {})) {
			Fixtures.assertFinalImageClose("from the hub", "ncsnpp-tiny", GenerationService.generate(m, r,
				new GenerationService.Hooks()).nhwc);
		}
	}

	@Test
	void secondUseDownloadsNothing() throws Exception {
		client(false, null).snapshot(ID, HubClient.Progress.NONE);
		final long before = downloads();
		client(false, null).snapshot(ID, HubClient.Progress.NONE);
		assertEquals(before, downloads(), "no file fetched again");
		assertTrue(log.stream().anyMatch(l -> l.startsWith("cached")), log.toString());
	}

	@Test
	void blobsAPythonUserAlreadyHasAreReused() throws Exception {
		// huggingface_hub's layout: blobs named by etag, snapshot entries linking to them
		for (final Map.Entry<String, byte[]> f : hub.files.entrySet()) {
			final Path blob = repo().resolve("blobs").resolve(hub.etags.get(f.getKey()));
			Files.createDirectories(blob.getParent());
			Files.write(blob, f.getValue());
		}
		client(false, null).snapshot(ID, HubClient.Progress.NONE);
		assertEquals(0, hub.requests.stream().filter(r -> r.startsWith("GET /cdn/")).count(), hub.requests.toString());
		assertTrue(log.stream().anyMatch(l -> l.startsWith("cached blob")), log.toString());
	}

	@Test
	void aCutDownloadResumesWithARangeRequest() throws Exception {
		hub.cutAfter = 100_000;
		final Path snapshot = client(false, null).snapshot(ID, HubClient.Progress.NONE);
		assertTrue(hub.requests.stream().anyMatch(r -> r.startsWith("GET /cdn/") && r.contains("bytes=")), hub.requests
			.toString());
		assertTrue(log.stream().anyMatch(l -> l.contains("broke off")), log.toString());
		assertTrue(java.util.Arrays.equals(hub.files.get("unet/diffusion_pytorch_model.safetensors"), Files.readAllBytes(
			snapshot.resolve("unet/diffusion_pytorch_model.safetensors"))));
	}

	@Test
	void aCorruptedBlobIsDetectedAndNotKept() throws Exception {
		hub.corrupt = true;
		final HubException e = assertThrows(HubException.class, () -> client(false, null).snapshot(ID,
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("corrupted") && e.getMessage().contains("sha256"), e.getMessage());
		try (Stream<Path> blobs = Files.list(repo().resolve("blobs"))) {
			assertFalse(blobs.anyMatch(b -> b.getFileName().toString().equals(hub.etags.get(
				"unet/diffusion_pytorch_model.safetensors")) || b.toString().endsWith(".incomplete")), "nothing kept");
		}
		assertFalse(Files.exists(repo().resolve("snapshots").resolve(FakeHub.COMMIT).resolve(
			"unet/diffusion_pytorch_model.safetensors")));
	}

	@Test
	void unauthorisedAndMissingAreClearMessages() throws Exception {
		hub.requiredToken = "secret";
		HubException e = assertThrows(HubException.class, () -> client(false, null).snapshot(ID,
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("HF_TOKEN"), e.getMessage());
		// with the token it works, and the token is sent to the hub
		client(false, "secret").snapshot(ID, HubClient.Progress.NONE);
		assertTrue(hub.requests.stream().anyMatch(r -> r.startsWith("GET /api/") && r.endsWith("auth")));
		e = assertThrows(HubException.class, () -> client(false, "secret").snapshot(ModelId.parse(
			"test-org/ncsnpp-tiny@no-such-branch"), HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("no-such-branch"), e.getMessage());
		e = assertThrows(HubException.class, () -> client(false, "secret").snapshot(ModelId.parse("test-org/other"),
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
	}

	@Test
	void offlineUsesTheCacheAndSaysWhatIsMissing() throws Exception {
		HubException e = assertThrows(HubException.class, () -> client(true, null).snapshot(ID,
			HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("HF_HUB_OFFLINE") && e.getMessage().contains("not in the cache"), e
			.getMessage());
		client(false, null).snapshot(ID, HubClient.Progress.NONE);
		final int requests = hub.requests.size();
		final Path snapshot = client(true, null).snapshot(ID, HubClient.Progress.NONE);
		assertEquals(requests, hub.requests.size(), "offline: no request at all");
		assertTrue(Files.exists(snapshot.resolve("unet/config.json")));
		Files.delete(snapshot.resolve("unet/diffusion_pytorch_model.safetensors"));
		e = assertThrows(HubException.class, () -> client(true, null).snapshot(ID, HubClient.Progress.NONE));
		assertTrue(e.getMessage().contains("lacks unet/diffusion_pytorch_model.safetensors"), e.getMessage());
	}

	@Test
	void anUnreachableHubFallsBackToTheCache() throws Exception {
		client(false, null).snapshot(ID, HubClient.Progress.NONE);
		hub.close();
		final Path snapshot = client(false, null).snapshot(ID, HubClient.Progress.NONE);
		assertTrue(Files.exists(snapshot.resolve("model_index.json")));
		assertTrue(log.stream().anyMatch(l -> l.contains("cannot be reached")), log.toString());
	}

	@Test
	void settingsFollowHuggingfaceHub(@TempDir final Path home) {
		HubSettings s = HubSettings.from(Map.of("HF_HOME", home.toString()));
		assertEquals(home.resolve("hub"), s.cache);
		assertEquals("https://huggingface.co", s.endpoint);
		assertFalse(s.offline);
		s = HubSettings.from(Map.of("HF_HOME", home.toString(), "HF_HUB_CACHE", "/elsewhere", "HF_HUB_OFFLINE", "1",
			"HF_ENDPOINT", "http://mirror.local/", "HF_TOKEN", "t"));
		assertEquals(Path.of("/elsewhere"), s.cache);
		assertTrue(s.offline);
		assertEquals("http://mirror.local", s.endpoint);
		assertEquals("t", s.token);
	}

	@Test
	void modelIdsParseWithRevision() {
		assertEquals("main", ModelId.parse("google/ncsnpp-celebahq-256").revision);
		assertEquals("v1.0", ModelId.parse("google/ncsnpp-celebahq-256@v1.0").revision);
		assertEquals("models--google--ncsnpp-ffhq-1024", ModelId.parse("google/ncsnpp-ffhq-1024").cacheFolder());
		assertEquals(null, ModelId.parse("/abs/path"));
		assertEquals(null, ModelId.parse("a/../b"));
		assertEquals(null, ModelId.parse("justaname"));
	}
}
