// Frames between two open images through the latent codes of a Score SDE VE model (Plugins > Score SDE >
// Interpolate (VE)...): both images are encoded by the probability-flow ODE, the codes are interpolated spherically
// and every frame is decoded; frame 1 reconstructs the first image, the last frame the second.
// Argument (all optional): "first=<title> second=<title> frames=<n> model=<folder> tolerance=<t> out=<tif file>";
// without first and second, the first two open images (titles without spaces when given here).
args = getArgument();
if (nImages < 2) exit("Open the two images first.");
selectImage(1);
first = getTitle();
selectImage(2);
second = getTitle();
run("Interpolate (VE)...", "first=[" + valueOf(args, "first", first) + "] second=[" + valueOf(args, "second",
	second) + "] frames=" + valueOf(args, "frames", "8") + " model=[" + valueOf(args, "model", "") + "] tolerance=" +
	valueOf(args, "tolerance", "1e-5") + " device=auto output=[RGB (8-bit)]");
out = valueOf(args, "out", "");
if (out != "") saveAs("Tiff", out);

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
