package sc.fiji.scoresde.generate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import sc.fiji.scoresde.io.HostTensor;
import sc.fiji.scoresde.io.ModelFormatException;
import sc.fiji.scoresde.io.PipelineFolder;
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
			final NDArray sigmas = x.getManager().full(new Shape(x.getShape().get(0)), sigma);
			return unet.forward(x, sigmas, null);
		};
	}

	@Override
	public void close() {
		unet.close();
	}
}
