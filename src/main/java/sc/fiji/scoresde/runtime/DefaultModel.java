package sc.fiji.scoresde.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The models shipped in the jar. The default one (used when no model is given) is the project's own demo model:
 * a small UNet trained on Fashion-MNIST with {@code score-sde train} (README, "Training"), 28×28 grey. The test model
 * is a copy of the ncsnpp-tiny fixture (random weights, 32×32 RGB, images NOT meaningful) that the benchmarks use by
 * default, so that their recorded figures stay comparable.
 */
public final class DefaultModel {

	public static final String NAME = "fashion-mnist-small (bundled demo model trained by this project, 28×28 grey)";
	public static final String TEST_MODEL_NAME = "ncsnpp-tiny (bundled test model, random weights: images are not " +
		"meaningful)";

	private static final String ROOT = "/sc/fiji/scoresde/default-model/";
	private static final String TEST_ROOT = "/sc/fiji/scoresde/test-model/";
	private static final String[] FILES = { "model_index.json", "unet/config.json",
		"unet/diffusion_pytorch_model.safetensors", "scheduler/scheduler_config.json" };
	/** files a bundled model may have: the demo model recommends its sampler settings, the test model does not */
	private static final String[] OPTIONAL_FILES = { "scoresde_sampling.json" };

	private DefaultModel() {}

	/** Copies the bundled demo pipeline to a fresh temporary folder, removed when the JVM exits. */
	public static Path extract() throws IOException {
		return extract(ROOT);
	}

	private static Path shared;

	/**
	 * The bundled demo pipeline, extracted once per process (so that the model cache finds it again); callers must
	 * not change its files.
	 */
	public static synchronized Path shared() throws IOException {
		if (shared == null || !Files.isRegularFile(shared.resolve(FILES[0]))) shared = extract(ROOT);
		return shared;
	}

	/** Copies the bundled random-weight test pipeline (ncsnpp-tiny) to a fresh temporary folder. */
	public static Path extractTestModel() throws IOException {
		return extract(TEST_ROOT);
	}

	private static Path extract(final String root) throws IOException {
		final Path dir = Files.createTempDirectory("score-sde-bundled-model");
		// deleteOnExit runs in reverse order of registration: folders first, so they are removed last
		for (final String sub : new String[] { "", "unet", "scheduler" })
			dir.resolve(sub).toFile().deleteOnExit();
		for (final String f : FILES) {
			final Path target = dir.resolve(f);
			Files.createDirectories(target.getParent());
			try (InputStream in = DefaultModel.class.getResourceAsStream(root + f)) {
				if (in == null) throw new IOException("the jar lacks the bundled model file " + root + f);
				Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			}
			target.toFile().deleteOnExit();
		}
		for (final String f : OPTIONAL_FILES) {
			try (InputStream in = DefaultModel.class.getResourceAsStream(root + f)) {
				if (in == null) continue;
				final Path target = dir.resolve(f);
				Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
				target.toFile().deleteOnExit();
			}
		}
		return dir;
	}
}
