package sc.fiji.scoresde.generate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The model used when none is given: a copy of the ncsnpp-tiny test pipeline (random weights, 32×32 RGB) shipped in
 * the jar. Its images are noise-like and NOT meaningful; it exists so that the tool runs end to end offline.
 */
public final class DefaultModel {

	public static final String NAME = "ncsnpp-tiny (bundled test model, random weights: images are not meaningful)";

	private static final String ROOT = "/sc/fiji/scoresde/default-model/";
	private static final String[] FILES = { "model_index.json", "unet/config.json",
		"unet/diffusion_pytorch_model.safetensors", "scheduler/scheduler_config.json" };

	private DefaultModel() {}

	/** Copies the bundled pipeline to a fresh temporary folder, removed when the JVM exits. */
	public static Path extract() throws IOException {
		final Path dir = Files.createTempDirectory("score-sde-default-model");
		// deleteOnExit runs in reverse order of registration: folders first, so they are removed last
		for (final String sub : new String[] { "", "unet", "scheduler" })
			dir.resolve(sub).toFile().deleteOnExit();
		for (final String f : FILES) {
			final Path target = dir.resolve(f);
			Files.createDirectories(target.getParent());
			try (InputStream in = DefaultModel.class.getResourceAsStream(ROOT + f)) {
				if (in == null) throw new IOException("the jar lacks the bundled model file " + f);
				Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			}
			target.toFile().deleteOnExit();
		}
		return dir;
	}
}
