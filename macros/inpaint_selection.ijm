// Regenerate the selected region of the active image with Score SDE VE (Plugins > Score SDE > Inpaint (VE)...).
// Without a selection the centre half of the image is selected. The input is not changed; the result opens in a
// new window. Argument (all optional): "model=<folder> steps=<n> seed=<n> resample=<n> out=<tif file>".
// Defaults: the bundled Fashion-MNIST model (28x28 grey images), pc with 3 resamplings per step, 125 steps.
args = getArgument();
if (nImages == 0) exit("Open the image to inpaint first.");
if (selectionType() == -1) makeRectangle(getWidth() / 4, getHeight() / 4, getWidth() / 2, getHeight() / 2);
run("Inpaint (VE)...", "model=[" + valueOf(args, "model", "") + "] mask=selection sampler=pc steps=" +
	valueOf(args, "steps", "125") + " seed=" + valueOf(args, "seed", "1") + " samples=1 device=auto " +
	"output=[RGB (8-bit)] resample=" + valueOf(args, "resample", "3"));
out = valueOf(args, "out", "");
if (out != "") saveAs("Tiff", out);

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
