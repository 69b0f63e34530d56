package sc.fiji.scoresde.cli;

import picocli.CommandLine.Option;
import sc.fiji.scoresde.runtime.DeviceChoice;

/** {@code --device}, declared once for every command that runs a model. */
public final class DeviceOption {

	@Option(names = "--device", defaultValue = DeviceChoice.AUTO_NAME, description = DeviceChoice.AUTO_NAME + ", " +
		DeviceChoice.CPU_NAME + " or " + DeviceChoice.GPU_NAME + " (default: ${DEFAULT-VALUE})")
	String device;

	/** @throws sc.fiji.scoresde.errors.InvalidOptionException for anything else */
	public DeviceChoice choice() {
		return DeviceChoice.parse(device);
	}

	/** The text as given (a Spark executor parses it again). */
	public String text() {
		return device;
	}
}
