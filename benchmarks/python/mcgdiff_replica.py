"""A double-precision replica of McgDiffSampler (src/main/java/sc/fiji/scoresde/sampling/McgDiffSampler.java) for
inpainting on a Gaussian mixture built like PosteriorBenchmark.inpainting() (same shapes, weights, offsets and
covariance construction; numpy's random numbers, so not the same draws). It exists to tell the sampler's own biases
from float32 and from the Java code: it prints the mode proportions and the per-mode std of the largest mode against
the exact posterior.

    python3 mcgdiff_replica.py RUNS PARTICLES STEPS FINAL[,FINAL] SEEDS [SIGMA_MIN]

FINAL is the step below σmin: "tweedie" (the Java sampler's: N(D, σmin²)) or "half" (its spread refined by one more
denoiser call, D + σmin·(z + J·z)/2, J·z by a finite difference). Example (docs/your-images.md): 500 256 400
tweedie,half 2 gives a std about 2.9 % and 2.2 % too wide; with SIGMA_MIN 0.001, 0.2 %.
"""
import sys
import time

import numpy as np

D = 16
OBSERVED = np.array([(j % 4) < 2 for j in range(D)])  # the left half of 1×4×4 is known
GUESS_MEAN, GUESS_VARIANCE = 0.5, 0.25  # the sampler's default data guess


def build_prior(seed=11):
    rng = np.random.default_rng(seed)

    def covariance():
        c = 0.0005 * np.eye(D)
        for v in (0.04, 0.02, 0.01):
            u = rng.standard_normal(D)
            u /= np.linalg.norm(u)
            c += v * np.outer(u, u) * D / 4
        return c

    offset = np.array([0.4 if ((j % 4) + (j // 4)) % 2 == 0 else -0.4 for j in range(D)]) * (~OBSERVED)
    m0 = 0.25 + 0.5 * rng.random(D)
    means = np.array([m0, m0 + offset, 0.25 + 0.5 * rng.random(D)])
    c0, c2 = covariance(), covariance()
    weights = np.array([0.45, 0.35, 0.2])
    truth = rng.multivariate_normal(means[0], c0)
    return means, [c0, c0, c2], weights, truth[OBSERVED]


MEANS, COVS, WEIGHTS, Y = build_prior()
_levels = {}


def score(x, sigma):
    if sigma not in _levels:
        shifted = [c + sigma * sigma * np.eye(D) for c in COVS]
        _levels[sigma] = ([np.linalg.inv(c) for c in shifted], [np.linalg.slogdet(c)[1] for c in shifted])
    inverses, logdets = _levels[sigma]
    logs, scores = [], []
    for k in range(3):
        r = x - MEANS[k]
        s = -(r @ inverses[k])
        scores.append(s)
        logs.append(np.log(WEIGHTS[k]) - 0.5 * (r * -s).sum(-1) - 0.5 * logdets[k])
    logs = np.stack(logs, -1)
    resp = np.exp(logs - logs.max(-1, keepdims=True))
    resp /= resp.sum(-1, keepdims=True)
    return sum(resp[..., k:k + 1] * scores[k] for k in range(3))


def potential_log(u, c, w):
    return -(u - Y) ** 2 / (2 * c) + (u - GUESS_MEAN) ** 2 / (2 * w)


def potential_predictive(m, v, c, w):
    precision = 1 / v + 1 / c - 1 / w
    b = m / v + Y / c - GUESS_MEAN / w
    return b * b / (2 * precision) - m * m / (2 * v)


def potential_draw(m, v, c, w, z):
    precision = 1 / v + 1 / c - 1 / w
    return (m / v + Y / c - GUESS_MEAN / w) / precision + z / np.sqrt(precision)


def run(runs, n, steps, final, seed, sigma_max=50.0, sigma_min=0.01):
    rng = np.random.default_rng(seed)
    sigmas = np.geomspace(sigma_max, sigma_min, steps)
    s0 = sigmas[0] ** 2
    z = rng.standard_normal((runs, n, D))
    x = z * sigmas[0]
    x[..., OBSERVED] = potential_draw(0.0, s0, s0, s0 + GUESS_VARIANCE, z[..., OBSERVED])
    log_w = np.zeros((runs, n))
    for a, b in zip(sigmas[:-1], sigmas[1:]):
        a2, b2 = a * a, b * b
        mean = x + (a2 - b2) * score(x, a)
        v = b2 * (a2 - b2) / a2
        z = rng.standard_normal((runs, n, D))
        nxt = mean + np.sqrt(v) * z
        log_w += potential_predictive(mean[..., OBSERVED], v, b2, b2 + GUESS_VARIANCE).sum(-1)
        log_w -= potential_log(x[..., OBSERVED], a2, a2 + GUESS_VARIANCE).sum(-1)
        nxt[..., OBSERVED] = potential_draw(mean[..., OBSERVED], v, b2, b2 + GUESS_VARIANCE, z[..., OBSERVED])
        w = np.exp(log_w - log_w.max(1, keepdims=True))
        w /= w.sum(1, keepdims=True)
        low = np.where(1 / (w * w).sum(1) < 0.5 * n)[0]
        if len(low):  # systematic resampling
            cumulative = np.cumsum(w[low], 1)
            cumulative[:, -1] = 1
            points = (rng.random(len(low))[:, None] + np.arange(n)[None, :]) / n
            ancestors = np.array([np.searchsorted(cumulative[i], points[i]) for i in range(len(low))])
            nxt[low] = nxt[low[:, None], ancestors]
            log_w[low] = 0
        x = nxt
    s = sigmas[-1]
    estimate = x + s * s * score(x, s)
    z = rng.standard_normal((runs, n, D))
    if final == "tweedie":
        out = estimate + s * z
    elif final == "half":
        h = 0.5 * s
        jz = ((x + h * z) + s * s * score(x + h * z, s) - estimate) / h
        out = estimate + s * (z + jz) / 2
    else:
        raise SystemExit("FINAL must be tweedie or half, not " + final)
    log_w += (-(estimate[..., OBSERVED] - Y) ** 2 / (2 * s * s)).sum(-1)
    log_w -= potential_log(x[..., OBSERVED], s * s, s * s + GUESS_VARIANCE).sum(-1)
    out[..., OBSERVED] = Y
    w = np.exp(log_w - log_w.max(1, keepdims=True))
    w /= w.sum(1, keepdims=True)
    picked = np.array([rng.choice(n, p=w[r]) for r in range(runs)])
    return out[np.arange(runs), picked][:, ~OBSERVED]


def exact():
    """The posterior weights of the modes and the per-coordinate std of mode 0's posterior on the unobserved pixels."""
    logs, stds = [], []
    for k in range(3):
        c = COVS[k]
        coo = c[np.ix_(OBSERVED, OBSERVED)]
        cuo = c[np.ix_(~OBSERVED, OBSERVED)]
        r = Y - MEANS[k][OBSERVED]
        logs.append(np.log(WEIGHTS[k]) - 0.5 * r @ np.linalg.solve(coo, r) - 0.5 * np.linalg.slogdet(coo)[1])
        stds.append(np.sqrt(np.diag(c[np.ix_(~OBSERVED, ~OBSERVED)] - cuo @ np.linalg.solve(coo, cuo.T))))
    p = np.exp(np.array(logs) - max(logs))
    return p / p.sum(), stds[0]


def main(argv):
    runs, n, steps, finals, seeds = int(argv[1]), int(argv[2]), int(argv[3]), argv[4].split(","), int(argv[5])
    sigma_min = float(argv[6]) if len(argv) > 6 else 0.01
    weights, std0 = exact()
    print("exact mode proportions", np.round(weights, 4))
    for final in finals:
        start = time.time()
        excess, proportions = [], []
        for k in range(seeds):
            samples = run(runs, n, steps, final, 1000 + k, sigma_min=sigma_min)
            distance = np.stack([((samples - MEANS[m][~OBSERVED]) ** 2).sum(-1) for m in range(3)], -1)
            mode = distance.argmin(-1)
            proportions.append(np.bincount(mode, minlength=3) / runs)
            excess.append((samples[mode == 0].std(0) / std0 - 1).mean())
        spread = np.std(excess) / np.sqrt(max(seeds - 1, 1))
        print(f"{final} {n} particles x {steps} steps, sigma_min {sigma_min}: mode-0 std {np.mean(excess):+.4f} "
              f"(± {spread:.4f}), proportions {np.round(np.mean(proportions, 0), 4)}, {time.time() - start:.0f} s")


if __name__ == "__main__":
    main(sys.argv)
