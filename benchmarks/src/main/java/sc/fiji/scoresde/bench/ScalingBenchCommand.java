package sc.fiji.scoresde.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.runtime.Engines;
import sc.fiji.scoresde.runtime.MemoryCheck;
import sc.fiji.scoresde.model.RandomWeights;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;

/**
 * {@code score-sde bench-scaling}: time and peak memory of one network call of the 64² NCSN++ architecture (random
 * weights; the network is fully convolutional, so it runs at any size) against batch size and resolution.
 */
@Command(name = "bench-scaling", mixinStandardHelpOptions = true,
	description = "Time and peak memory per network call against batch size and resolution.")
final class ScalingBenchCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--sizes", split = ",", defaultValue = "32,64,128,256", description = "resolutions")
	private List<Integer> sizes;

	@Option(names = "--batches", split = ",", defaultValue = "1,2,4,8", description = "batch sizes")
	private List<Integer> batches;

	@Override
	public Integer call() throws Exception {
		final var out = spec.commandLine().getOut();
		Engines.pytorch();
		final UNet2DConfig c = BenchCommand.config("ncsnpp-64.json");
		out.printf(Locale.ROOT, "# ncsnpp-64 architecture (random weights), one network call, cpu, %d cores%n", Runtime
			.getRuntime().availableProcessors());
		out.printf(Locale.ROOT, "%6s %6s %10s %12s %14s %14s%n", "size", "batch", "s/call", "s/image", "peak-MB",
			"estimate-MB");
		try (NDManager m = NDManager.newBaseManager(Device.cpu(), Engines.PYTORCH);
			UNet2DModel unet = new UNet2DModel(c, m.newSubManager()))
		{
			unet.loadWeights(RandomWeights.stateDict(unet, 0), "random", w -> {});
			for (final int size : sizes) {
				final UNet2DConfig sized = BenchCommand.config("ncsnpp-64.json");
				sized.sampleSize = new int[] { size, size };
				for (final int batch : batches) {
					try (NDManager scope = m.newSubManager()) {
						final NDArray x = scope.randomNormal(new Shape(batch, 3, size, size)).mul(10f);
						final NDArray sigma = scope.full(new Shape(batch), 10f);
						BenchCommand.callOnce(unet, x, sigma); // warm-up
						final long base = ReleaseBenchCommand.settledRssKb();
						final AtomicLong peak = new AtomicLong(base);
						final AtomicBoolean running = new AtomicBoolean(true);
						final Thread sampler = new Thread(() -> {
							while (running.get()) {
								peak.accumulateAndGet(MemoryBenchCommand.rssKb(), Math::max);
								try {
									Thread.sleep(2);
								}
								catch (final InterruptedException e) {
									return;
								}
							}
						});
						sampler.setDaemon(true);
						sampler.start();
						double best = Double.MAX_VALUE;
						for (int rep = 0; rep < 2; rep++) {
							final long t0 = System.nanoTime();
							BenchCommand.callOnce(unet, x, sigma);
							best = Math.min(best, (System.nanoTime() - t0) / 1e9);
						}
						running.set(false);
						sampler.join();
						out.printf(Locale.ROOT, "%6d %6d %10.3f %12.4f %14.0f %14.0f%n", size, batch, best, best / batch,
							(peak.get() - base) / 1024.0, MemoryCheck.bytesPerImage(sized) * batch / 1e6);
						out.flush();
					}
				}
			}
		}
		return 0;
	}

}
