package sc.fiji.scoresde.sampling;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Noise from libtorch's default CPU generator, seeded like {@code torch.manual_seed(seed)}, so that draws equal
 * {@code torch.randn(shape, generator=torch.manual_seed(seed))} in the same order. Draws are always made on the CPU
 * (a CUDA generator gives other numbers) and copied to the target device.
 *
 * <p>libtorch has one default generator per process: a run that uses this source must hold {@link #GENERATOR_LOCK}
 * from seeding to its last draw, or two runs would interleave their draws.
 */
public final class TorchNoise implements NoiseSource {

	/** Guards libtorch's process-wide default generator. */
	public static final ReentrantLock GENERATOR_LOCK = new ReentrantLock(true);

	/** DJL's Engine.setRandomSeed takes an int. */
	public static final long MAX_SEED = Integer.MAX_VALUE;

	private final long seed;

	/** Seeds the process-wide generator; call with {@link #GENERATOR_LOCK} held. */
	public TorchNoise(final long seed) {
		if (seed < 0 || seed > MAX_SEED) throw new IllegalArgumentException("seed " + seed + " is outside 0 … " +
			MAX_SEED);
		this.seed = seed;
		Engine.getEngine("PyTorch").setRandomSeed((int) seed);
	}

	public long seed() {
		return seed;
	}

	@Override
	public NDArray normal(final NDManager manager, final Shape shape) {
		if (manager.getDevice().equals(Device.cpu())) {
			return manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
		}
		try (NDManager cpu = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
			final float[] values = cpu.randomNormal(0f, 1f, shape, DataType.FLOAT32).toFloatArray();
			return manager.create(values, shape);
		}
	}
}
