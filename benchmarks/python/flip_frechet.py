"""What random left-right flips in training cost in the Fréchet distance of `evaluate`, with no model at all.

`train` flips each crop left-right at random by default (as score_sde_pytorch does for CIFAR-10), so a model trained
that way learns the data together with its mirror images. Fashion-MNIST has a handedness (shoes point one way), and
`evaluate` compares samples with the unflipped test images. This script computes the same Fréchet distance as
`evaluate` (64 PCA components of the first 10,000 training images, against test images 0-8999) for the held-out
test images 9000-9999 as they are, with a random half of them mirrored (what a perfect model of the flipped data
would give), and with all of them mirrored.

Usage: python3 benchmarks/python/flip_frechet.py   (numpy and scipy; the Debian package dataset-fashion-mnist; 10 s)
"""
import numpy as np
from scipy import linalg

from empirical_denoiser import images  # the idx reader (flat images ÷ 255); this script's folder is on sys.path


def main():
    train = images('train-images-idx3-ubyte.gz')[:10000]
    test = images('t10k-images-idx3-ubyte.gz').reshape(-1, 28, 28)
    centre = train.mean(0)
    axes = np.linalg.svd(train - centre, full_matrices=False)[2][:64]

    def features(stack):
        return (stack.reshape(len(stack), -1) - centre) @ axes.T

    reference = features(test[:9000])
    mean_r, cov_r = reference.mean(0), np.cov(reference, rowvar=False)

    def frechet(stack):
        f = features(stack)
        mean, cov = f.mean(0), np.cov(f, rowvar=False)
        root = linalg.sqrtm(cov @ cov_r).real
        return float(((mean - mean_r) ** 2).sum() + np.trace(cov + cov_r - 2 * root))

    held = test[9000:]
    half = held.copy()
    chosen = np.random.default_rng(0).random(len(held)) < 0.5
    half[chosen] = half[chosen, :, ::-1]
    print('Fréchet distance (64 PCA components of 10000 training images) against test images 0-8999:')
    print('  held-out test images 9000-9999:              %.3f' % frechet(held))
    print('  the same, a random half mirrored left-right: %.3f  (%d mirrored)' % (frechet(half), chosen.sum()))
    print('  the same, all mirrored:                      %.3f' % frechet(held[:, :, ::-1]))


if __name__ == '__main__':
    main()
