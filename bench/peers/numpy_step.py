"""numpy peer of the cortexflow trainer's ms/step benchmark: the same hand-written BPTT as the
fused kernel (nodes/dynamics/assembly/ctrnn.ts), in float32 numpy with OpenBLAS on one thread, as
the physical-limit proxy. One training step = forward over T + BPTT + weight gradients as products
over all T*B rows + Adam; Keras form (alpha = 1, tanh, no recurrent bias, Dense readout with bias),
masked MSE with a mask of ones. Also prints the one-thread sgemm rate, the machine's measured peak.

Run with OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, and
MALLOC_MMAP_THRESHOLD_=MALLOC_TRIM_THRESHOLD_=1073741824.
usage: numpy_step.py N B T reps warmup
"""
import json
import sys
import time

import numpy as np

f32 = np.float32


def hand_bptt(N, B, T, I=2, O=1):
    rng = np.random.default_rng(0)
    WrecT = np.linalg.qr(rng.standard_normal((N, N)))[0].astype(f32)  # row j: weights out of unit j
    WinT = (rng.standard_normal((I, N)) * 0.3).astype(f32)
    WoutT = (rng.standard_normal((N, O)) * 0.1).astype(f32)
    bout = np.zeros(O, f32)
    x = rng.standard_normal((T, B, I)).astype(f32)
    y = rng.standard_normal((T, B, O)).astype(f32)
    params = [WrecT, WinT, WoutT, bout]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    H = np.empty((T, B, N), f32)
    DP = np.empty((T, B, N), f32)
    state = {"k": 0}

    def step():
        XW = (x.reshape(T * B, I) @ WinT).reshape(T, B, N)
        h = np.zeros((B, N), f32)
        for t in range(T):
            h = np.tanh(XW[t] + h @ WrecT)
            H[t] = h
        Hf = H.reshape(T * B, N)
        e = Hf @ WoutT + bout - y.reshape(T * B, O)
        denom = f32(T * B * O)
        dy = (f32(2) / denom) * e
        dh = (dy @ WoutT.T).reshape(T, B, N)
        Wrec = np.ascontiguousarray(WrecT.T)
        g = dh[T - 1].copy()
        for t in range(T - 1, -1, -1):
            dp = g * (f32(1) - H[t] * H[t])
            DP[t] = dp
            if t > 0:
                g = dh[t - 1] + dp @ Wrec
        DPf = DP.reshape(T * B, N)
        gWrecT = H[: T - 1].reshape((T - 1) * B, N).T @ DP[1:].reshape((T - 1) * B, N)
        gWinT = x.reshape(T * B, I).T @ DPf
        gWoutT = Hf.T @ dy
        gbout = dy.sum(0)
        grads = [gWrecT, gWinT, gWoutT, gbout]
        state["k"] += 1
        k = state["k"]
        for p, gr, mm, vv in zip(params, grads, m, v):
            mm *= f32(0.9)
            mm += f32(0.1) * gr
            vv *= f32(0.999)
            vv += f32(0.001) * gr * gr
            lr = 1e-3 * np.sqrt(1 - 0.999**k) / (1 - 0.9**k)
            p -= f32(lr) * mm / (np.sqrt(vv) + f32(1e-8))

    return step


def measure(step, reps, warmup):
    for _ in range(warmup):
        step()
    ts = []
    cpu = []
    for _ in range(reps):
        t0 = time.perf_counter()
        c0 = time.thread_time()
        step()
        cpu.append((time.thread_time() - c0) * 1000)
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    # CPU time of this (only) thread: what a step costs when the machine's other jobs make it wait.
    return ts[len(ts) // 2], ts[0], min(cpu)


def sgemm_peak(n=1024, reps=10):
    a = np.random.default_rng(1).standard_normal((n, n)).astype(f32)
    b = np.random.default_rng(2).standard_normal((n, n)).astype(f32)
    a @ b
    best = 1e9
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best / 1e9


def main():
    N, B, T = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    med, mn, cpu = measure(hand_bptt(N, B, T), reps, warmup)
    print(json.dumps({"variant": "numpy hand BPTT", "N": N, "ms": med, "min": mn, "cpuMin": cpu, "numpy": np.__version__}), flush=True)
    print(json.dumps({"variant": "numpy sgemm 1024 peak", "gflops": sgemm_peak()}), flush=True)


if __name__ == "__main__":
    main()
