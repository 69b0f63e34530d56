"""The best denoiser the data allow at large noise, against the data mean: how far can any model go?

For noisy test images x = x0 + sigma*z, the Bayes denoiser under the empirical prior (uniform over the training
images) is a softmax-weighted average of the training images, weights exp(-|x - x_i|^2 / (2 sigma^2)). At large
sigma its weights spread over tens of thousands of images, so it estimates the data's own minimum error well. The
script prints its RMS error beside the data mean's and beside the floor that a network whose every output path
ends in a GroupNorm (diffusers' UNet2DModel) adds: sigma/sqrt(2*pixels), summed in quadrature.

Usage: python3 benchmarks/python/empirical_denoiser.py [TEST_IMAGES [REPEATS]]   (defaults 256 and 4; numpy only,
the Debian package dataset-fashion-mnist; about 40 s of CPU)
"""
import gzip
import sys

import numpy as np

FOLDER = '/usr/share/datasets/fashion-mnist/'


def images(name):
    with gzip.open(FOLDER + name) as f:
        raw = f.read()
    count, height, width = np.frombuffer(raw[4:16], '>i4')
    return np.frombuffer(raw[16:], np.uint8).reshape(count, height * width).astype(np.float64) / 255


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    train = images('train-images-idx3-ubyte.gz')
    test = images('t10k-images-idx3-ubyte.gz')[:count]
    pixels = train.shape[1]
    mean_error = np.sqrt(((test - train.mean(0)) ** 2).mean())
    squared_norms = (train ** 2).sum(1)
    rng = np.random.default_rng(0)
    print(f'{count} test images, {len(train)} training images, {repeats} noise draws; error of the data mean '
          f'{mean_error:.4f}')
    print('| sigma | empirical-prior denoiser | / mean | GroupNorm floor sigma/sqrt(2*pixels) | both in quadrature '
          '| / mean | median weights ESS |')
    print('|---|---|---|---|---|---|---|')
    for sigma in [1, 2, 5, 10, 20.93]:
        squared, ess = [], []
        for _ in range(repeats):
            noisy = test + sigma * rng.standard_normal(test.shape)
            distances = (noisy ** 2).sum(1)[:, None] - 2 * noisy @ train.T + squared_norms[None, :]
            log_weights = -distances / (2 * sigma ** 2)
            log_weights -= log_weights.max(1, keepdims=True)
            weights = np.exp(log_weights)
            weights /= weights.sum(1, keepdims=True)
            squared.append(((weights @ train - test) ** 2).mean())
            ess.extend(1 / (weights ** 2).sum(1))
        best = np.sqrt(np.mean(squared))
        floor = sigma / np.sqrt(2 * pixels)
        both = np.hypot(best, floor)
        print(f'| {sigma} | {best:.4f} | {best / mean_error:.3f} | {floor:.4f} | {both:.4f} | {both / mean_error:.3f} '
              f'| {np.median(ess):.0f} |')


if __name__ == '__main__':
    main()
