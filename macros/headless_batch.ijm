// Headless batch run: a stack of images from one seed, saved as one TIFF.
// ImageJ -batch headless_batch.ijm "out=<file.tif> [model=<model folder>] [images=<n>] [steps=<n>] [seed=<n>]"
args = getArgument();
out = valueOf(args, "out", "");
if (out == "") exit("headless_batch.ijm needs out=<file.tif>");
model = valueOf(args, "model", "");
setBatchMode(true);
run("Generate (VE)...", "model=[" + model + "] images=" + valueOf(args, "images", "4") + " steps=" +
	valueOf(args, "steps", "10") + " seed=" + valueOf(args, "seed", "42") +
	" snr=-1 correctors=-1 device=auto output=[RGB (8-bit)]");
saveAs("Tiff", out);
print("wrote " + nSlices + " image(s) to " + out);
close();

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
