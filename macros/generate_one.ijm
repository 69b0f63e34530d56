// Generate one image with Score SDE VE and show it.
// model=[] uses the bundled test model (random weights: the image is noise-like); put a pipeline folder there,
// e.g. model=[/data/ncsnpp-celebahq-256], for real images.
run("Generate (VE)...", "model=[] images=1 steps=20 seed=1 snr=-1 correctors=-1 device=auto output=[RGB (8-bit)]");
print("generated: " + getTitle() + " " + getWidth() + "x" + getHeight());
