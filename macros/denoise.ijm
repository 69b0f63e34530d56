// Remove Gaussian noise from the active image with Score SDE VE (Plugins > Score SDE > Denoise (VE)...).
// samples=0 gives the posterior mean (Tweedie's formula, one network call); samples=K > 0 gives K posterior samples
// as a stack. sigma is the noise level in the image's [0,1] range (8-bit / 255); -1 estimates it from the image.
// Argument (all optional): "model=<folder> sigma=<s> samples=<k> steps=<n> seed=<n> out=<tif file>".
args = getArgument();
if (nImages == 0) exit("Open the noisy image first.");
run("Denoise (VE)...", "model=[" + valueOf(args, "model", "") + "] sampler=em steps=" + valueOf(args, "steps",
	"500") + " seed=" + valueOf(args, "seed", "1") + " samples=" + valueOf(args, "samples", "0") + " device=auto " +
	"output=[float [0,1]] sigma=" + valueOf(args, "sigma", "-1"));
out = valueOf(args, "out", "");
if (out != "") saveAs("Tiff", out);

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
