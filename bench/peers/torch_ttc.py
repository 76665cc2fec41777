"""PyTorch peer of the time-to-criterion benchmark (bench/peers/ttc-runner.ts).

Trains the Keras form of the CTRNN (alpha = 1: torch.nn.RNN tanh without recurrent bias, Dense
readout with bias) on the same .npy data, from the same initial weights (written by ttc.ts), with
the same recipe and, when the batch file is there, the same batch sequence: Keras 2 Adam (lr / (1 + decay * iteration), eps added to sqrt(v)), fixed trial set
shuffled each epoch, masked MSE, optional global-norm clipping. Every `criterionEvery` steps the
criterion is checked on the probe with the same response windows (meta.json). One thread, or
CORTEXFLOW_TTC_TORCH_THREADS threads.
Prints one JSON line.

usage: torch_ttc.py DIR N SEED RECIPE_JSON MAX_SECONDS
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch

THREADS = int(os.environ.get("CORTEXFLOW_TTC_TORCH_THREADS", "1"))
torch.set_num_threads(THREADS)


def main():
    d, N, seed, recipe, max_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), float(sys.argv[5])
    r = {"lr": 1e-4, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "decay": 1e-4, "batchSize": 256, "clipNorm": 0,
         "criterionEvery": 50, "criterionTolerance": 0.3}
    r.update(recipe)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    X = torch.from_numpy(np.load(f"{d}/inputs.npy"))
    Y = torch.from_numpy(np.load(f"{d}/targets.npy"))
    M = torch.from_numpy(np.load(f"{d}/mask.npy"))
    PX = torch.from_numpy(np.load(f"{d}/probe_inputs.npy"))
    PY = np.load(f"{d}/probe_targets.npy")
    PM = np.load(f"{d}/probe_mask.npy")
    meta = json.load(open(f"{d}/meta.json"))
    windows = meta["windows"]
    test = meta["testCount"]
    I = X.shape[2]
    use_bias = bool(r.get("useBias", False))
    # With useBias the recurrent layer gets one trained bias starting at zero (Keras SimpleRNN's
    # use_bias): torch's b_ih is that bias, b_hh is held at zero and not trained.
    rnn = torch.nn.RNN(I, N, nonlinearity="tanh", bias=use_bias, batch_first=True)
    lin = torch.nn.Linear(N, Y.shape[2])
    # Same file-name tag as initTag() in ttc-data.ts.
    tag = f"{N}_{seed}"
    if r.get("inputInit", "glorot-uniform") != "glorot-uniform":
        tag += "_" + r["inputInit"]
    if r.get("gain", 1) != 1:
        tag += f"_g{r['gain']}"
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.from_numpy(np.load(f"{d}/W_rec_{tag}.npy")))
        rnn.weight_ih_l0.copy_(torch.from_numpy(np.load(f"{d}/W_in_{tag}.npy")))
        lin.weight.copy_(torch.from_numpy(np.load(f"{d}/W_out_{tag}.npy")))
        lin.bias.zero_()
        if use_bias:
            rnn.bias_ih_l0.zero_()
            rnn.bias_hh_l0.zero_()
            rnn.bias_hh_l0.requires_grad_(False)
    rec = [rnn.weight_ih_l0, rnn.weight_hh_l0] + ([rnn.bias_ih_l0] if use_bias else [])
    params = rec + list(lin.parameters())
    state = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    B = r["batchSize"]
    order = np.arange(test, X.shape[0])
    pos = len(order)
    # Our trainer's batch sequence for this seed (written by ttc-data.ts writeBatchOrder), when present:
    # then both sides see the same batches in the same order.
    try:
        batches = np.load(f"{d}/batches_{seed}_B{B}.npy")
    except FileNotFoundError:
        batches = None
    it = 0
    t0 = time.perf_counter()
    last = {"step": 0, "passed": 0, "total": len(windows)}
    met = False
    while time.perf_counter() - t0 < max_s:
        if batches is not None:
            if it >= len(batches):
                print(f"ttc torch N={N} seed={seed}: the batch file ends at step {it}", file=sys.stderr, flush=True)
                break
            idx = torch.from_numpy(batches[it].astype(np.int64))
        else:
            if pos + B > len(order):
                rng.shuffle(order)
                pos = 0
            idx = torch.from_numpy(order[pos:pos + B])
            pos += B
        x, y, m = X[idx], Y[idx], M[idx]
        out, _ = rnn(x)
        e = (lin(out) - y) ** 2
        loss = (e.sum(-1) * m).sum() / (m.sum() * y.shape[2])
        if not torch.isfinite(loss):
            # As ours: a non-finite loss ends the run (not met).
            print(f"ttc torch N={N} seed={seed}: non-finite loss at step {it + 1}", file=sys.stderr, flush=True)
            break
        for p in params:
            p.grad = None
        loss.backward()
        if r["clipNorm"] > 0:
            torch.nn.utils.clip_grad_norm_(params, r["clipNorm"])
        lr = r["lr"] / (1 + r["decay"] * it)
        t = it + 1
        lr_t = lr * (1 - r["beta2"] ** t) ** 0.5 / (1 - r["beta1"] ** t)
        with torch.no_grad():
            for p, (mm, vv) in zip(params, state):
                g = p.grad
                mm.mul_(r["beta1"]).add_(g, alpha=1 - r["beta1"])
                vv.mul_(r["beta2"]).addcmul_(g, g, value=1 - r["beta2"])
                p.sub_(lr_t * mm / (vv.sqrt() + r["eps"]))
        it = t
        if it % r["criterionEvery"] == 0:
            with torch.no_grad():
                py = lin(rnn(PX)[0]).numpy()
            passed = 0
            for s, w in enumerate(windows):
                if w is None:
                    continue
                sl = slice(w["from"], w["to"] + 1)
                err = np.abs(py[s, sl, :] - PY[s, sl, :]) * (PM[s, sl, None] > 0)
                if err.max() <= r["criterionTolerance"]:
                    passed += 1
            last = {"step": it, "passed": passed, "total": len(windows)}
            print(f"ttc torch N={N} seed={seed}: step {it} loss {loss.item():.3g} criterion {passed}/{len(windows)} {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)
            if passed == len(windows):
                met = True
                break
    secs = time.perf_counter() - t0
    print(json.dumps({"side": "torch", "N": N, "seed": seed, "met": met, "steps": last["step"] if met else it, "seconds": secs,
                      "last": last, "batches": "ours" if batches is not None else "own", "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "threads": THREADS, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
