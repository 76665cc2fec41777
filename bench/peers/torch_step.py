"""PyTorch peers of the cortexflow trainer's ms/step benchmark (bench/trainer.bench.ts).

One training step = forward over T steps + backward + Adam, Keras form (alpha = 1, tanh, no
recurrent bias, Dense readout with bias), MSE. One thread. Prints one JSON object per line:
{"variant": ..., "N": ..., "ms": median, "min": ...}.

Run with Debian's python3 and MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824
(page faults are costly on these VMs; without it the times are bimodal).
usage: torch_step.py N[,N...] [B T reps warmup]
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)


def autograd_loop(N, B, T, I=2, O=1):
    Wrec = torch.nn.Parameter(torch.linalg.qr(torch.randn(N, N))[0])
    Win = torch.nn.Parameter(torch.randn(N, I) * 0.3)
    Wout = torch.nn.Parameter(torch.randn(O, N) * 0.1)
    bout = torch.nn.Parameter(torch.zeros(O))
    opt = torch.optim.Adam([Wrec, Win, Wout, bout], lr=1e-3)
    x = torch.randn(T, B, I)
    y = torch.randn(T, B, O)

    def step():
        opt.zero_grad()
        h = torch.zeros(B, N)
        loss = 0.0
        for t in range(T):
            h = torch.tanh(x[t] @ Win.T + h @ Wrec.T)
            loss = loss + ((h @ Wout.T + bout - y[t]) ** 2).sum()
        loss = loss / (T * B * O)
        loss.backward()
        opt.step()

    return step


def nn_rnn(N, B, T, I=2, O=1):
    rnn = torch.nn.RNN(I, N, nonlinearity="tanh", bias=False, batch_first=True)
    lin = torch.nn.Linear(N, O)
    opt = torch.optim.Adam(list(rnn.parameters()) + list(lin.parameters()), lr=1e-3)
    x = torch.randn(B, T, I)
    y = torch.randn(B, T, O)

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        loss = ((lin(out) - y) ** 2).mean()
        loss.backward()
        opt.step()

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


def main():
    Ns = [int(n) for n in sys.argv[1].split(",")]
    B = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    T = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    warmup = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    for N in Ns:
        for name, make in (("torch autograd loop", autograd_loop), ("torch.nn.RNN", nn_rnn)):
            med, mn, cpu = measure(make(N, B, T), reps, warmup)
            print(json.dumps({"variant": name, "N": N, "ms": med, "min": mn, "cpuMin": cpu, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
