package sc.fiji.scoresde.runtime;

import ai.djl.Device;

import java.util.Locale;
import java.util.function.Consumer;

/** The user's device request — auto, cpu or gpu — and how it is resolved on this machine. */
public enum DeviceChoice {
	AUTO, CPU, GPU;

	/** The names users type and pick, in the order dialogs list them; constants so annotations can use them. */
	public static final String AUTO_NAME = "auto", CPU_NAME = "cpu", GPU_NAME = "gpu";
	public static final java.util.List<String> NAMES = java.util.List.of(AUTO_NAME, CPU_NAME, GPU_NAME);

	/** GPUs PyTorch sees; asked once per process (DJL probes CUDA on every call). */
	private static volatile Integer gpuCount;

	/** @throws sc.fiji.scoresde.errors.InvalidOptionException for anything but auto, cpu, gpu (any case) */
	public static DeviceChoice parse(final String text) {
		try {
			return valueOf(text.trim().toUpperCase(Locale.ROOT));
		}
		catch (final IllegalArgumentException | NullPointerException e) {
			throw new sc.fiji.scoresde.errors.InvalidOptionException("device '" + text + "' is not one of " + String.join(
				", ", NAMES));
		}
	}

	static int gpuCount() {
		Integer n = gpuCount;
		if (n == null) {
			synchronized (DeviceChoice.class) {
				if (gpuCount == null) gpuCount = Engines.pytorch().getGpuCount();
				n = gpuCount;
			}
		}
		return n;
	}

	/**
	 * Picks the device. gpu without a visible GPU is an error; auto falls back to the CPU and says why.
	 *
	 * @param log receives one line naming the device chosen and why
	 */
	public Device resolve(final Consumer<String> log) {
		final int gpus = gpuCount();
		switch (this) {
			case CPU:
				log.accept("device: cpu (requested)");
				return Device.cpu();
			case GPU:
				if (gpus < 1) throw new IllegalStateException("device gpu was requested but PyTorch sees no GPU (" +
					"either none is present or the CPU natives are loaded; see README 'Devices' for the CUDA natives)");
				log.accept("device: gpu(0) (requested; " + gpus + " visible)");
				return Device.gpu();
			default:
				if (gpus > 0) {
					log.accept("device: gpu(0) (auto; " + gpus + " GPU(s) visible)");
					return Device.gpu();
				}
				log.accept("device: cpu (auto; PyTorch sees no GPU)");
				return Device.cpu();
		}
	}
}
