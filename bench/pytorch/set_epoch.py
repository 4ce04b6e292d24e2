#!/usr/bin/python3
"""The PyTorch side of `bench -- dst`: one epoch of Fashion-MNIST for the SET MLP 784-1000-1000-10 (ReLU, batch 128,
AdamW lr=1e-3 wd=1e-4 on the weights, none on the biases, softmax cross-entropy), trained

  dense:  plain nn.Linear layers;
  masked: SET as researchers run it today (the RigL and sparselearning code bases): each hidden weight stays a dense
          tensor with a 0/1 mask of the same shape; the gradient is masked after backward, the weights are masked
          after every optimizer step, and after every `--every` steps each mask drops its smallest-magnitude active
          weights (a fraction `--drop` of them) and regrows as many inactive ones at random, the grown weights and
          their Adam moments starting at zero. The output layer stays dense, as [KeepDense] does in the C# model.

Only the training steps are timed (time.perf_counter, from the epoch's shuffle to the end of its last step, updates
included); loading the data, a short untimed warm-up and the evaluation on the test split are not. Each result is
printed as one `RESULT key=value ...` line, which the C# study reads.

Run it as the study does (TOOLCHAIN §10): /usr/bin/python3 (Debian's python3-torch), libopenblas0-openmp as the
process's libblas.so.3 (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp), OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, --threads 2:

  /usr/bin/python3 bench/pytorch/set_epoch.py --data /usr/share/datasets/fashion-mnist --steps 3
"""

import argparse
import gzip
import math
import os
import struct
import sys
import time

TORCH_MISSING = 3  # exit code the C# study reads as "PyTorch is not installed"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder with the four Fashion-MNIST IDX files (.gz or not)")
    p.add_argument("--steps", type=int, default=0, help="training steps per epoch (default: one pass, 60000 // batch)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--modes", default="dense,masked", help="what to train, in this order: dense, masked")
    p.add_argument("--active", default="", help="active weights of Hidden1,Hidden2 (default: ERK at --sparsity)")
    p.add_argument("--sparsity", type=float, default=0.9, help="model-level sparsity when --active is not given")
    p.add_argument("--every", type=int, default=100, help="steps between mask updates")
    p.add_argument("--drop", type=float, default=0.3, help="fraction of each layer's active weights dropped and regrown")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    p.add_argument("--warmup", type=int, default=10, help="untimed steps of each mode on a throwaway model first")
    return p.parse_args()


def read_idx(folder, name):
    """An IDX file (big-endian header: magic with the rank in its low byte, then each dimension) as a numpy array."""
    import numpy as np

    for candidate in (name + ".gz", name):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            rank = struct.unpack(">I", data[:4])[0] & 0xFF
            shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)
    sys.exit(f"error: {folder} has no {name}.gz (nor {name})")


def load(folder, torch):
    """Pixels as byte / 255 in [0, 1] (as SparseDsl's loader, no standardization), labels as int64."""
    def split(images, labels):
        x = torch.from_numpy(read_idx(folder, images).reshape(-1, 784).astype("float32") / 255.0)
        y = torch.from_numpy(read_idx(folder, labels).astype("int64"))
        return x, y

    return split("train-images-idx3-ubyte", "train-labels-idx1-ubyte") + split("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def erk_active(sparsity):
    """ERK over the two hidden layers (the output is kept dense): d_l = eps (in + out) / (in out), eps solved so the kept
    count is (1 - sparsity) of their weights (no layer reaches density 1 at the sparsities studied)."""
    shapes = [(784, 1000), (1000, 1000)]
    total = sum(i * o for i, o in shapes)
    eps = (1 - sparsity) * total / sum(i + o for i, o in shapes)
    return [round(eps * (i + o)) for i, o in shapes]


def build(torch, seed):
    """nn.Linear's default init is U(-1/sqrt(in), 1/sqrt(in)) for weights and biases, as the C# Linear."""
    torch.manual_seed(seed)
    nn = torch.nn
    return nn.Sequential(nn.Linear(784, 1000), nn.ReLU(), nn.Linear(1000, 1000), nn.ReLU(), nn.Linear(1000, 10))


def adamw(torch, model):
    """AdamW with decoupled weight decay on the weights only (SparseDsl decays weights, not biases)."""
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    return torch.optim.AdamW([{"params": weights, "weight_decay": 1e-4}, {"params": biases, "weight_decay": 0.0}], lr=1e-3)


class SetMasks:
    """SET over dense tensors: a float 0/1 mask per sparse weight, applied to gradients and weights every step,
    magnitude drop and random regrowth every few steps (drop and grow disjoint, so each layer keeps its count)."""

    def __init__(self, torch, weights, active, optimizer, drop, generator):
        self.torch = torch
        self.weights = weights
        self.optimizer = optimizer
        self.drop = drop
        self.generator = generator
        self.masks = []
        for w, count in zip(weights, active):
            mask = torch.zeros_like(w)
            scores = torch.rand(w.numel(), generator=generator)
            mask.view(-1)[torch.topk(scores, count, sorted=False).indices] = 1.0
            self.masks.append(mask)
        self.mask_weights()

    def mask_gradients(self):
        for w, m in zip(self.weights, self.masks):
            w.grad.mul_(m)

    def mask_weights(self):
        with self.torch.no_grad():
            for w, m in zip(self.weights, self.masks):
                w.mul_(m)

    def update(self):
        torch = self.torch
        with torch.no_grad():
            for w, m in zip(self.weights, self.masks):
                flat_w, flat_m = w.view(-1), m.view(-1)
                active = flat_m.bool()
                count = int(active.sum())
                k = int(math.floor(count * self.drop))
                if k == 0:
                    continue
                # drop: the k active weights of smallest |w|
                drop_score = torch.where(active, flat_w.abs(), torch.full_like(flat_w, float("inf")))
                dropped = torch.topk(drop_score, k, largest=False, sorted=False).indices
                # grow: k weights at random among those inactive before this update
                grow_score = torch.rand(flat_w.numel(), generator=self.generator).masked_fill_(active, -1.0)
                grown = torch.topk(grow_score, k, sorted=False).indices
                flat_m[dropped] = 0.0
                flat_m[grown] = 1.0
                flat_w[dropped] = 0.0
                flat_w[grown] = 0.0
                state = self.optimizer.state[w]
                for key in ("exp_avg", "exp_avg_sq"):
                    if key in state:
                        slot = state[key].view(-1)
                        slot[dropped] = 0.0
                        slot[grown] = 0.0

    def check(self, active):
        """Each layer kept its count and every weight off its mask is zero."""
        kept = all(int(m.sum()) == count for m, count in zip(self.masks, active))
        zero = all(bool((w.detach()[m == 0] == 0).all()) for w, m in zip(self.weights, self.masks))
        return kept, zero


def train(torch, mode, x_train, y_train, steps, args, active, seed):
    """One timed epoch of `steps` steps; returns (model, seconds, updates, mean loss of the last steps, masks)."""
    F = torch.nn.functional
    model = build(torch, seed)
    optimizer = adamw(torch, model)
    generator = torch.Generator().manual_seed(seed)
    masks = None
    if mode == "masked":
        masks = SetMasks(torch, [model[0].weight, model[2].weight], active, optimizer, args.drop, generator)
    batch = args.batch
    updates = 0
    tail = []
    start = time.perf_counter()
    order = torch.randperm(x_train.shape[0], generator=generator)
    for t in range(steps):
        index = order[t * batch:(t + 1) * batch]
        x = x_train.index_select(0, index)
        y = y_train.index_select(0, index)
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        if masks is not None:
            masks.mask_gradients()
        optimizer.step()
        if masks is not None:
            masks.mask_weights()
            # after completed step t+1, as SparseDsl's schedule: every `every` steps, none at the run's last step
            if (t + 1) % args.every == 0 and t + 1 < steps:
                masks.update()
                updates += 1
        if t >= steps - 20:
            tail.append(loss.item())
    seconds = time.perf_counter() - start
    return model, seconds, updates, sum(tail) / len(tail), masks


def accuracy(torch, model, x_test, y_test):
    with torch.no_grad():
        hits = 0
        for s in range(0, x_test.shape[0], 1000):
            hits += int((model(x_test[s:s + 1000]).argmax(1) == y_test[s:s + 1000]).sum())
    return hits / x_test.shape[0]


def blas_in_use():
    """The BLAS libraries mapped into this process, and what OpenBLAS says about itself."""
    paths = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if "blas" in os.path.basename(path):
                    paths.add(path)
    except OSError:
        return "unknown"
    described = []
    for path in sorted(paths):
        text = path
        if "openblas" in os.path.basename(path):
            try:
                import ctypes
                lib = ctypes.CDLL(path)
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                text += f" ({lib.openblas_get_config().decode()}; core {lib.openblas_get_corename().decode()}; {lib.openblas_get_num_threads()} threads)"
            except (OSError, AttributeError):
                pass
        described.append(text)
    return ", ".join(described) or "none mapped"


def main():
    args = parse_args()
    try:
        import torch
    except ImportError as missing:
        print(f"PyTorch is not importable by {sys.executable}: {missing}", file=sys.stderr)
        return TORCH_MISSING

    torch.set_num_threads(args.threads)
    x_train, y_train, x_test, y_test = load(args.data, torch)
    steps = args.steps or x_train.shape[0] // args.batch
    active = [int(a) for a in args.active.split(",")] if args.active else erk_active(args.sparsity)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    for mode in modes:
        if mode not in ("dense", "masked"):
            sys.exit(f"error: unknown mode '{mode}'; use dense, masked")

    env = ", ".join(f"{k}={os.environ[k]}" if k in os.environ else f"{k} unset" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS"))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, python {sys.version.split()[0]}; {env}")
    for mode in modes:
        if args.warmup > 0:
            train(torch, mode, x_train, y_train, min(args.warmup, steps), args, active, seed=1000 + args.seed)
    print(f"BLAS: {blas_in_use()}")

    for mode in modes:
        model, seconds, updates, loss, masks = train(torch, mode, x_train, y_train, steps, args, active, args.seed)
        acc = accuracy(torch, model, x_test, y_test)
        line = f"RESULT mode={mode} seconds={seconds:.4f} steps={steps} updates={updates} test_accuracy={acc:.4f} last_loss={loss:.4f}"
        if masks is not None:
            kept, zero = masks.check(active)
            line += f" active={','.join(str(a) for a in active)} counts_kept={'yes' if kept else 'NO'} inactive_zero={'yes' if zero else 'NO'}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
