// Super-resolution with its uncertainty (Plugins > Score SDE > Super-resolution (VE)...): the active image (or the
// file given) is shrunk 2x by block means, then made again at the model's size by the exact posterior sampler
// (particles), several times over. The result is one float stack whose slices are "mean", "std", "sample 1" ...
// "sample K": the per-pixel posterior mean and standard deviation over the K independent samples, then the samples.
// The mean and the std also open in windows of their own.
// Argument (all optional): "image=<file> model=<folder> particles=<n> steps=<n> samples=<k> seed=<n> out=<tif file>".
// Defaults: the bundled Fashion-MNIST model (give a 28x28 grey image, e.g. examples/shirt.png), 20 particles, 50
// steps, 4 samples.
args = getArgument();
file = valueOf(args, "image", "");
if (file != "") open(file);
if (nImages == 0) exit("Open a test image first (e.g. examples/shirt.png for the bundled model), or give image=<file>.");
original = getTitle();
run("Duplicate...", "title=[" + original + " 2x smaller]");
// block means of the image's values in [0,1], as the model sees them (RGB is binned as it is)
depth = bitDepth();
if (depth == 8 || depth == 16) {
	scale = pow(2, depth) - 1;
	run("32-bit");
	run("Divide...", "value=" + scale);
}
run("Bin...", "x=2 y=2 bin=average");
run("Super-resolution (VE)...", "model=[" + valueOf(args, "model", "") + "] sampler=pc steps=" + valueOf(args,
	"steps", "50") + " seed=" + valueOf(args, "seed", "1") + " samples=" + valueOf(args, "samples", "4") +
	" device=auto output=[float [0,1]] resample=0 particles=" + valueOf(args, "particles", "20") + " noise=0" +
	" factor=2 uncertainty");
out = valueOf(args, "out", "");
if (out != "") saveAs("Tiff", out);
result = getTitle();
show("mean", 1);
show("std", 2);
run("Fire");
getStatistics(area, meanStd, minStd, maxStd);
print("Super-resolution of " + original + ": posterior std " + d2s(meanStd, 4) + " on average, " + d2s(maxStd, 4) +
	" at most");

// The slice (all channels) of the result stack as a window of its own.
function show(title, slice) {
	selectImage(result);
	getDimensions(width, height, channels, slices, frames);
	if (channels > 1) run("Duplicate...", "title=" + title + " duplicate slices=" + slice);
	else run("Duplicate...", "title=" + title + " duplicate range=" + slice + "-" + slice);
}

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
