// Turn the active image (e.g. a rough painting) into a realistic one with Score SDE VE (SDEdit;
// Plugins > Score SDE > Guided synthesis (VE)...). strength t0 in (0,1]: small keeps the image, 1 is plain
// generation. Argument (all optional): "model=<folder> strength=<t0> samples=<k> steps=<n> seed=<n> out=<tif file>".
args = getArgument();
if (nImages == 0) exit("Open the guide image first.");
run("Guided synthesis (VE)...", "model=[" + valueOf(args, "model", "") + "] sampler=em steps=" + valueOf(args,
	"steps", "500") + " seed=" + valueOf(args, "seed", "1") + " samples=" + valueOf(args, "samples", "4") +
	" device=auto output=[RGB (8-bit)] strength=" + valueOf(args, "strength", "0.5"));
out = valueOf(args, "out", "");
if (out != "") saveAs("Tiff", out);

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
