package sc.fiji.scoresde.weights;

import sc.fiji.scoresde.model.HostTensor;

import sc.fiji.scoresde.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import sc.fiji.scoresde.model.Parameter;
import sc.fiji.scoresde.model.UNet2DConfig;
import sc.fiji.scoresde.model.UNet2DModel;
import sc.fiji.scoresde.sampling.SchedulerConfig;

/**
 * Writes a model as a diffusers ScoreSdeVePipeline folder — model_index.json, unet/config.json,
 * unet/diffusion_pytorch_model.safetensors (F32, current key names), scheduler/scheduler_config.json — that this
 * project and Python diffusers both load.
 */
public final class PipelineWriter {

	private PipelineWriter() {}

	public static void write(final Path folder, final UNet2DModel unet, final SchedulerConfig scheduler)
		throws IOException
	{
		final Map<String, HostTensor> tensors = new LinkedHashMap<>();
		for (final Parameter p : unet.parameters().parameters().values())
			tensors.put(p.key(), HostTensor.ofFloats(p.shape().getShape(), p.get().toFloatArray()));
		write(folder, unet.config(), tensors, scheduler);
	}

	/** Writes given weights (e.g. a training run's moving average) for an architecture. */
	public static void write(final Path folder, final UNet2DConfig config, final Map<String, HostTensor> tensors,
		final SchedulerConfig scheduler) throws IOException
	{
		final Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("format", "pt");
		SafeTensors.write(folder.resolve("unet").resolve("diffusion_pytorch_model.safetensors"), diffusersStateDict(
			tensors), metadata);
		text(folder.resolve("unet").resolve("config.json"), config.toJson());
		text(folder.resolve("scheduler").resolve("scheduler_config.json"), scheduler.toJson());
		text(folder.resolve("model_index.json"), "{\n  \"_class_name\": \"ScoreSdeVePipeline\",\n" +
			"  \"_diffusers_version\": \"0.25.0\",\n  \"scheduler\": [\n    \"diffusers\",\n" +
			"    \"ScoreSdeVeScheduler\"\n  ],\n  \"unet\": [\n    \"diffusers\",\n    \"UNet2DModel\"\n  ]\n}\n");
	}

	/**
	 * Every key of diffusers' {@code UNet2DModel.state_dict()}: GaussianFourierProjection registers its one
	 * parameter under two names ({@code self.weight = self.W}, embeddings.py), so the state dict has both
	 * {@code time_proj.weight} and {@code time_proj.W}, and diffusers with accelerate refuses a file that lacks
	 * either. Our model keeps one of them; the other is written as the same tensor.
	 */
	static Map<String, HostTensor> diffusersStateDict(final Map<String, HostTensor> tensors) {
		final HostTensor fourier = tensors.get("time_proj.weight");
		if (fourier == null || tensors.containsKey("time_proj.W")) return tensors;
		final Map<String, HostTensor> out = new LinkedHashMap<>();
		for (final Map.Entry<String, HostTensor> e : tensors.entrySet()) {
			out.put(e.getKey(), e.getValue());
			if (e.getKey().equals("time_proj.weight")) out.put("time_proj.W", fourier);
		}
		return out;
	}

	private static void text(final Path file, final String content) throws IOException {
		Files.createDirectories(file.getParent());
		AtomicFiles.write(file, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
	}
}
