package sc.fiji.scoresde.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import sc.fiji.scoresde.model.HostTensor;
import sc.fiji.scoresde.errors.ModelFormatException;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.weights.TorchCheckpoint;
import sc.fiji.scoresde.model.ModelConfigException;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.model.WeightsMismatchException;
import sc.fiji.scoresde.sampling.ScoreModel;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/** A UNet loaded from a model folder onto a device, with its scheduler config; adapts the network to a ScoreModel. */
public final class LoadedModel implements AutoCloseable {

	private final PipelineFolder folder;
	private final UNet2DModel unet;

	private LoadedModel(final PipelineFolder folder, final UNet2DModel unet) {
		this.folder = folder;
		this.unet = unet;
	}

	/** Reads config, scheduler config and weights; checks every tensor before the model is usable. */
	public static LoadedModel load(final Path path, final Device device, final Consumer<String> log)
		throws IOException
	{
		final PipelineFolder folder;
		try {
			folder = PipelineFolder.open(path, true);
		}
		catch (final ModelConfigException e) {
			throw new ModelFormatException(e.getMessage());
		}
		checkHeapFor(folder);
		final Map<String, HostTensor> weights = folder.readWeights();
		final NDManager manager = NDManager.newBaseManager(device, Engines.PYTORCH);
		boolean ok = false;
		try {
			final UNet2DModel unet = new UNet2DModel(folder.unetConfig, manager);
			unet.loadWeights(weights, folder.weightsFile.toString(), log);
			ok = true;
			return new LoadedModel(folder, unet);
		}
		catch (final ModelConfigException | WeightsMismatchException e) {
			throw new ModelFormatException(e.getMessage(), e);
		}
		finally {
			if (!ok) manager.close();
		}
	}

	/**
	 * Weights are read into the Java heap and converted there: refuse clearly when that cannot fit. A torch zip is
	 * sized by the storages its pickle uses (each counted once), not by the file: a 2 MB zip can inflate to gigabytes.
	 */
	private static void checkHeapFor(final PipelineFolder folder) throws IOException {
		final long file = folder.weightsFile.getFileName().toString().endsWith(".safetensors") ? java.nio.file.Files.size(
			folder.weightsFile) : TorchCheckpoint.heapBytes(folder.weightsFile);
		final Runtime rt = Runtime.getRuntime();
		final long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
		if (3 * file > available) throw new ModelFormatException(String.format(java.util.Locale.ROOT,
			"loading %s (%.0f MB) needs about %.0f MB of Java heap, %.0f MB are available; start Java with a larger" +
				" -Xmx (Fiji: Edit > Options > Memory & Threads)", folder.weightsFile, file / 1e6, 3 * file / 1e6,
			available / 1e6));
	}

	public PipelineFolder folder() {
		return folder;
	}

	public UNet2DModel unet() {
		return unet;
	}

	public SchedulerConfig schedulerConfig() {
		return folder.schedulerConfig.copy();
	}

	public Device device() {
		return unet.device();
	}

	/** The network as a score model: σ is broadcast to the batch, as the pipeline's {@code sigma_t}. */
	public ScoreModel scoreModel() {
		return (x, sigma) -> {
			// the call's intermediates live in their own manager; only the score survives it
			final NDManager parent = x.getManager();
			try (NDManager call = parent.newSubManager()) {
				x.tempAttach(call);
				final NDArray sigmas = call.full(new Shape(x.getShape().get(0)), sigma);
				final NDArray score = unet.forward(x, sigmas, null);
				score.attach(parent);
				return score;
			}
		};
	}

	@Override
	public void close() {
		unet.close();
	}
}
