// Colour the active grey (or RGB, taken as grey) image with a 3-channel Score SDE VE model
// (Plugins > Score SDE > Colorize (VE)...). A grey model such as the bundled one is refused.
// Argument: "model=<RGB pipeline folder or hub id> [steps=<n>] [seed=<n>] [samples=<n>] [out=<tif file>]".
args = getArgument();
if (nImages == 0) exit("Open the grey image to colour first.");
model = valueOf(args, "model", "google/ncsnpp-celebahq-256");
run("Colorize (VE)...", "model=[" + model + "] sampler=pc steps=" + valueOf(args, "steps", "125") + " seed=" +
	valueOf(args, "seed", "1") + " samples=" + valueOf(args, "samples", "1") + " device=auto output=[RGB (8-bit)] " +
	"resample=3");
out = valueOf(args, "out", "");
if (out != "") saveAs("Tiff", out);

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
