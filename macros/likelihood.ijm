// Bits/dim of every image of the active stack under a Score SDE VE model (Plugins > Score SDE > Log-likelihood (VE)...).
// One row per image goes to the Results table (bits/dim, probe s.e., NFE); this macro prints their mean and standard
// error. 8-bit and RGB images are dequantized (uniform noise in each intensity bin), as bits/dim figures usually are.
// Argument (all optional): "model=<folder> probes=<k> seed=<n> tolerance=<t> out=<csv file>".
args = getArgument();
if (nImages == 0) exit("Open the images first: a stack, one image per plane.");
dequantize = "";
if (bitDepth() == 8 || bitDepth() == 24) dequantize = " dequantize";
run("Log-likelihood (VE)...", "model=[" + valueOf(args, "model", "") + "] divergence=rademacher probes=" +
	valueOf(args, "probes", "1") + " seed=" + valueOf(args, "seed", "0") + " tolerance=" + valueOf(args, "tolerance",
	"1e-5") + " batch=8 device=auto" + dequantize);
n = nResults;
if (n == 0) exit("no figures: see the Log");
sum = 0;
for (i = 0; i < n; i++) sum += getResult("bits/dim", i);
mean = sum / n;
squares = 0;
for (i = 0; i < n; i++) squares += (getResult("bits/dim", i) - mean) * (getResult("bits/dim", i) - mean);
if (n > 1) print("bits/dim: " + d2s(mean, 4) + " ± " + d2s(sqrt(squares / (n - 1) / n), 4) + " over " + n + " images");
else print("bits/dim: " + d2s(mean, 4));
out = valueOf(args, "out", "");
if (out != "") saveAs("Results", out);

function valueOf(args, key, fallback) {
	parts = split(args, " ");
	for (i = 0; i < parts.length; i++)
		if (startsWith(parts[i], key + "=")) return substring(parts[i], lengthOf(key) + 1);
	return fallback;
}
