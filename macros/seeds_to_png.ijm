// One image per seed, each saved as seed-<n>.png in a folder.
// Argument: "dir=<output folder> [model=<model folder>] [steps=<n>] [seeds=<count>]"
args = getArgument();
dir = valueOf(args, "dir", "");
if (dir == "") dir = getDirectory("Choose an output folder");
model = valueOf(args, "model", "");
steps = valueOf(args, "steps", "10");
seeds = parseInt(valueOf(args, "seeds", "3"));
setBatchMode(true);
for (seed = 1; seed <= seeds; seed++) {
	run("Generate (VE)...", "model=[" + model + "] images=1 steps=" + steps + " seed=" + seed +
		" snr=-1 correctors=-1 device=auto output=[RGB (8-bit)]");
	saveAs("PNG", dir + File.separator + "seed-" + seed + ".png");
	close();
}
print("saved " + seeds + " images to " + dir);

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
