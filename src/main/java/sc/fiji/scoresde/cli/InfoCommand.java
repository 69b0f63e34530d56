package sc.fiji.scoresde.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sc.fiji.scoresde.runtime.DefaultModel;
import sc.fiji.scoresde.weights.PipelineFolder;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/** {@code score-sde info}: the architecture and parameter count a config implies; weights are not needed. */
@Command(name = "info", mixinStandardHelpOptions = true,
	description = "Print the architecture summary and parameter count of a model (config.json is enough).")
final class InfoCommand implements Callable<Integer> {

	@Spec
	private CommandSpec spec;

	@Option(names = "--model", paramLabel = "PATH|ID",
		description = "pipeline folder, UNet folder, weights file or Hugging Face model id")
	private String model;

	@Override
	public Integer call() throws Exception {
		final Path path = sc.fiji.scoresde.runtime.ModelLocator.locate(model, new DownloadBar(spec.commandLine()
			.getErr()), spec.commandLine().getErr()::println);
		final PipelineFolder folder = PipelineFolder.open(path, false);
		final var out = spec.commandLine().getOut();
		out.println("model: " + (model != null ? folder.describe() : DefaultModel.NAME));
		try (UNet2DModel unet = new UNet2DModel(folder.unetConfig, null)) {
			out.println(unet.summary());
		}
		final SchedulerConfig s = folder.schedulerConfig;
		out.printf("scheduler: ScoreSdeVeScheduler sigma_min %s, sigma_max %s, snr %s, correct_steps %d, " +
			"sampling_eps %s%s%n", s.sigmaMin, s.sigmaMax, s.snr, s.correctSteps, s.samplingEps,
			folder.schedulerConfigFile == null ? " (defaults)" : "");
		out.flush();
		return 0;
	}
}
