#!/usr/bin/env python3
"""PyTorch CPU reference of Normalcy's conditional MAF / RealNVP training (issue 14), for bin/bench --only training.

The same model as flow/ (FlowSpec.maf / FlowSpec.realNvp, see FlowLayout): per block ActNorm (Glow's data-dependent
start, batch std floored at 0.1), for RealNVP an LU linear layer, then a conditional masked affine layer whose MADE
(ReLU hidden layers, masks from MadeMasks) maps (x, c) to mu and alpha = clamp*tanh(raw/clamp), z = (x - mu)*exp(-alpha);
base N(0, I). The same initialisation (hidden W, V ~ N(0, 2/(in + C)), output W, V ~ N(0, 1e-4), biases 0), the
same optimiser (Adam, decoupled weight decay on rank-2 tensors only, global-norm clipping, linear warm-up over 5% of
the steps (at most 500) then cosine decay to 1% of the peak) and the same data: the rows TrainingHarness writes with
--export (float32 little-endian, header "NRMLFLOW" rows dim cdim). The validation rows are a seeded 10% of them (the
same share as the Java trainer, not the same rows: NLL over 10k rows differs by ~0.01 between random subsets).

One thread (torch.set_num_threads(1)); prints one line per epoch and a final machine-readable RESULT line:
  RESULT engine=pytorch ... samples_per_cpu_s=<last epoch> val_nll=<best>
"""
import argparse
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_data(path):
    with open(path, "rb") as f:
        magic = f.read(8)
        if magic != b"NRMLFLOW":
            sys.exit(f"{path}: not a TrainingHarness export (magic {magic!r})")
        rows, dim, cdim = struct.unpack("<iii", f.read(12))
        x = np.frombuffer(f.read(4 * rows * dim), dtype="<f4").reshape(rows, dim)
        c = np.frombuffer(f.read(4 * rows * cdim), dtype="<f4").reshape(rows, cdim)
    return torch.from_numpy(x.copy()), torch.from_numpy(c.copy())


def hidden_degrees(deg, width):
    dmin, dmax = min(deg), max(deg)
    return [dmin if dmax == dmin else dmin + (j % (dmax - dmin)) for j in range(width)]


def ge_mask(rows, cols):
    return torch.tensor([[1.0 if r >= c else 0.0 for c in cols] for r in rows])


def output_mask(deg, hdeg):
    d = len(deg)
    return torch.tensor([[1.0 if deg[o % d] > h else 0.0 for h in hdeg] for o in range(2 * d)])


class MaskedAffine(torch.nn.Module):
    """MaskedAffineLayer: a conditional MADE giving mu and the soft-clamped log-scale alpha."""

    def __init__(self, deg, cdim, hidden, clamp, gen):
        super().__init__()
        self.d, self.clamp = len(deg), clamp
        self.w, self.v, self.b = torch.nn.ParameterList(), torch.nn.ParameterList(), torch.nn.ParameterList()
        self.masks = []
        prev, fan_in = deg, len(deg)
        for h in hidden:
            hdeg = hidden_degrees(deg, h)
            mask = ge_mask(hdeg, prev)
            std = math.sqrt(2.0 / (fan_in + cdim))
            self.masks.append(mask)
            self.w.append(torch.nn.Parameter(torch.randn(h, fan_in, generator=gen) * std * mask))
            self.v.append(torch.nn.Parameter(torch.randn(h, cdim, generator=gen) * std))
            self.b.append(torch.nn.Parameter(torch.zeros(h)))
            prev, fan_in = hdeg, h
        self.mask_out = output_mask(deg, prev)
        self.wout = torch.nn.Parameter(torch.randn(2 * self.d, fan_in, generator=gen) * 1e-2 * self.mask_out)
        self.vout = torch.nn.Parameter(torch.randn(2 * self.d, cdim, generator=gen) * 1e-2)
        self.bout = torch.nn.Parameter(torch.zeros(2 * self.d))

    def forward(self, x, c):
        h = x
        for w, v, b, m in zip(self.w, self.v, self.b, self.masks):
            h = F.relu(F.linear(h, w * m, b) + F.linear(c, v))
        o = F.linear(h, self.wout * self.mask_out, self.bout) + F.linear(c, self.vout)
        mu, raw = o[:, :self.d], o[:, self.d:]
        alpha = self.clamp * torch.tanh(raw / self.clamp)
        return (x - mu) * torch.exp(-alpha), -alpha.sum(1)


class ActNorm(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.s = torch.nn.Parameter(torch.zeros(d))
        self.b = torch.nn.Parameter(torch.zeros(d))

    def init_from(self, x):
        std = x.std(0, unbiased=False).clamp_min(0.1)
        with torch.no_grad():
            self.s.copy_(-torch.log(std))
            self.b.copy_(-x.mean(0) * torch.exp(self.s))

    def forward(self, x):
        return x * torch.exp(self.s) + self.b, self.s.sum().expand(x.shape[0])


class LuLinear(torch.nn.Module):
    def __init__(self, d):
        super().__init__()
        self.lower = torch.nn.Parameter(torch.zeros(d, d))
        self.upper = torch.nn.Parameter(torch.zeros(d, d))
        self.logdiag = torch.nn.Parameter(torch.zeros(d))
        self.bias = torch.nn.Parameter(torch.zeros(d))

    def forward(self, x):
        eye = torch.eye(x.shape[1])
        w = (self.lower.tril(-1) + eye) @ (self.upper.triu(1) + torch.diag(torch.exp(self.logdiag)))
        return F.linear(x, w, self.bias), self.logdiag.sum().expand(x.shape[0])


class Flow(torch.nn.Module):
    def __init__(self, kind, d, cdim, blocks, hidden, clamp=3.0, seed=42):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.layers = torch.nn.ModuleList()
        for k in range(blocks):
            self.layers.append(ActNorm(d))
            if kind == "REALNVP":
                self.layers.append(LuLinear(d))
                deg = [1 if (i % 2 == 0) == (k % 2 == 0) else 2 for i in range(d)]
            else:
                deg = list(range(1, d + 1))
            self.layers.append(MaskedAffine(deg, cdim, hidden, clamp, gen))

    def init_actnorm(self, x, c):
        with torch.no_grad():
            for layer in self.layers:
                if isinstance(layer, ActNorm):
                    layer.init_from(x)
                x = layer(x, c)[0] if isinstance(layer, MaskedAffine) else layer(x)[0]

    def log_prob(self, x, c):
        logdet = torch.zeros(x.shape[0])
        for layer in self.layers:
            x, ld = layer(x, c) if isinstance(layer, MaskedAffine) else layer(x)
            logdet = logdet + ld
        return -0.5 * (x * x).sum(1) - 0.5 * x.shape[1] * math.log(2 * math.pi) + logdet


def lr_at(step, peak, warmup, total, min_factor=0.01):
    if step < warmup:
        return peak * (step + 1) / (warmup + 1)
    t = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (min_factor + (1 - min_factor) * 0.5 * (1 + math.cos(math.pi * t)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", help="file written by TrainingHarness --export")
    ap.add_argument("--type", default="MAF", choices=["MAF", "REALNVP"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--blocks", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-5)
    ap.add_argument("--clip", type=float, default=5.0)
    ap.add_argument("--validation", type=float, default=0.1)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(42)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    x, c = read_data(args.data)
    n, d = x.shape
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(42))
    n_val = max(1, round(n * args.validation))
    val, train = perm[:n_val], perm[n_val:]
    flow = Flow(args.type, d, c.shape[1], args.blocks, [args.hidden])
    init = train[:min(len(train), max(args.batch, 1024))]
    flow.init_actnorm(x[init], c[init])
    decay = [p for p in flow.parameters() if p.dim() == 2]
    plain = [p for p in flow.parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": plain, "weight_decay": 0.0}], lr=args.lr, eps=1e-8)
    steps = (len(train) + args.batch - 1) // args.batch
    total = steps * args.epochs
    warmup = int(min(500, round(0.05 * total)))
    print(f"pytorch {torch.__version__}, threads {torch.get_num_threads()}, {args.type}, {n} records x {d}, "
          f"C={c.shape[1]}, K={args.blocks}, hidden=[{args.hidden}], batch {args.batch}, {args.epochs} epoch(s)")
    step, best, last_rate = 0, float("inf"), 0.0
    mark_cpu, mark_wall = cpu0, wall0
    for epoch in range(args.epochs):
        order = train[torch.randperm(len(train))]
        t0 = time.perf_counter()
        loss_sum = 0.0
        for s in range(0, len(train), args.batch):
            idx = order[s:s + args.batch]
            for g in opt.param_groups:
                g["lr"] = lr_at(step, args.lr, warmup, total)
            loss = -flow.log_prob(x[idx], c[idx]).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(flow.parameters(), args.clip)
            opt.step()
            loss_sum += loss.item() * len(idx)
            step += 1
        train_wall = time.perf_counter() - t0
        with torch.no_grad():
            val_nll = -flow.log_prob(x[val], c[val]).mean().item()
        best = min(best, val_nll)
        cpu, wall = time.process_time(), time.perf_counter()
        # as the Java harness: CPU-seconds of the whole epoch (validation, and for epoch 0 the set-up, included)
        last_rate = len(train) / (cpu - mark_cpu)
        print(f"epoch {epoch}: train NLL {loss_sum / len(train):.4f}, val NLL {val_nll:.4f}, "
              f"{len(train) / train_wall:.0f} samples/s wall, {(cpu - mark_cpu) / (wall - mark_wall):.2f} cores granted,"
              f" ~{last_rate:.0f} samples per CPU-second")
        mark_cpu, mark_wall = cpu, wall
    print(f"RESULT engine=pytorch type={args.type} samples_per_cpu_s={last_rate:.0f} val_nll={best:.4f}")


if __name__ == "__main__":
    main()
