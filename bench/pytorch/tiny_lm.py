#!/usr/bin/python3
"""The PyTorch side of `bench -- lm`: training throughput of the issue's TinyLm (CPU, float32), the C# BenchLm's twin:
byte vocabulary 256, width 128, context 128, 4 pre-norm blocks (LayerNorm; causal self-attention with 4 heads and
separate q, k, v, o nn.Linear with bias; MLP 128 -> 512 -> 128 with tanh-GELU; residuals), learned positions, a final
LayerNorm, the head tied to the token embedding, next-token cross-entropy; AdamW lr 1e-3, weight decay 0.1 on the
matrices (embedding, positions, the blocks' weights), none on biases and norms. Trained

  dense:  plain nn.Linear matrices;
  masked: sparsity as researchers run it today (the RigL and sparselearning code bases): each block matrix (q, k, v, o,
          up, down of every block) stays a dense tensor with a fixed random 0/1 mask of the same shape keeping
          round(density * size) weights (uniform: every matrix at --density); after backward the gradient is
          multiplied by the mask, after every optimizer step the weight is. Embedding, positions, norms and biases
          stay dense, as [KeepDense] and the C# model's plan do. The masked model does the dense model's arithmetic.

Attention: F.scaled_dot_product_attention(is_causal=True) when this torch has it (2.x); otherwise (Debian's 1.13) the
plain form, softmax(q k^T / sqrt(d) with the upper triangle at -inf) v, which computes the full T x T scores. The setup
lines say which ran.

Tokens are random byte ids from a fixed seed (throughput does not depend on them). Each mode builds its model, runs
--warmup untimed steps, then times --steps training steps (time.perf_counter; zero_grad, forward, loss, backward,
masking, AdamW step) and prints one `RESULT mode=... density=... tokens_per_second=... steps=... seconds=...` line,
which the C# study reads.

Run it as the study does (TOOLCHAIN §10): /usr/bin/python3 (Debian's python3-torch), libopenblas0-openmp as the
process's libblas.so.3 (LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp), OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, --threads = cores:

  /usr/bin/python3 bench/pytorch/tiny_lm.py --steps 3 --modes dense,masked --density 0.5,0.25
"""

import argparse
import math
import os
import sys
import time

from set_epoch import blas_in_use  # the same report of the BLAS mapped into this process

TORCH_MISSING = 3  # exit code the C# study reads as "PyTorch is not installed"
VOCAB, WIDTH, CONTEXT, HEADS, HIDDEN, BLOCKS = 256, 128, 128, 4, 512, 4


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=30, help="timed training steps per mode")
    p.add_argument("--batch", type=int, default=16, help="sequences of 128 tokens per step")
    p.add_argument("--modes", default="dense,masked", help="what to train, in this order: dense, masked")
    p.add_argument("--density", default="0.5", help="density of the masked block matrices; a comma list runs masked at each")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps before the timed ones")
    return p.parse_args()


def build(torch, seed):
    nn, F = torch.nn, torch.nn.functional
    fused = hasattr(F, "scaled_dot_product_attention")

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1, self.norm2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
            self.q, self.k, self.v, self.o = (nn.Linear(WIDTH, WIDTH) for _ in range(4))
            self.up, self.down = nn.Linear(WIDTH, HIDDEN), nn.Linear(HIDDEN, WIDTH)

        def attend(self, h):
            b, t, _ = h.shape
            q, k, v = (m(h).view(b, t, HEADS, WIDTH // HEADS).transpose(1, 2) for m in (self.q, self.k, self.v))  # [B, H, T, d]
            if fused:
                a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            else:
                scores = q @ k.transpose(-2, -1) / math.sqrt(WIDTH // HEADS)                                  # [B, H, T, T]
                future = torch.ones(t, t, dtype=torch.bool, device=h.device).triu(1)
                a = scores.masked_fill(future, float("-inf")).softmax(-1) @ v                                # [B, H, T, d]
            return self.o(a.transpose(1, 2).reshape(b, t, WIDTH))

        def forward(self, x):
            x = x + self.attend(self.norm1(x))
            return x + self.down(F.gelu(self.up(self.norm2(x)), approximate="tanh"))

    class TinyLm(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(VOCAB, WIDTH)
            self.positions = nn.Parameter(torch.empty(CONTEXT, WIDTH))
            self.blocks = nn.ModuleList(Block() for _ in range(BLOCKS))
            self.final = nn.LayerNorm(WIDTH)
            nn.init.normal_(self.tokens.weight, std=0.02)  # as the C# model: E ~ N(0, 0.02^2), P ~ N(0, 0.01^2)
            nn.init.normal_(self.positions, std=0.01)

        def forward(self, ids, targets):
            x = self.tokens(ids) + self.positions[: ids.shape[1]]                                              # [B, T, D]
            for block in self.blocks:
                x = block(x)
            logits = self.final(x) @ self.tokens.weight.t()                                                    # [B, T, V] tied head
            return F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1))

    torch.manual_seed(seed)
    return TinyLm(), ("F.scaled_dot_product_attention(is_causal=True)" if fused
                      else "plain causal attention (masked_fill -inf + softmax over the full T x T scores): this torch has no F.scaled_dot_product_attention")


def block_matrices(model):
    return [m.weight for b in model.blocks for m in (b.q, b.k, b.v, b.o, b.up, b.down)]


def adamw(torch, model):
    decayed = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() != 2]
    return torch.optim.AdamW([{"params": decayed, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}], lr=1e-3)


def masks_for(torch, weights, density, generator):
    """A fixed random 0/1 mask per matrix keeping exactly round(density * size) weights."""
    masks = []
    for w in weights:
        mask = torch.zeros_like(w)
        count = round(density * w.numel())
        mask.view(-1)[torch.topk(torch.rand(w.numel(), generator=generator), count, sorted=False).indices] = 1.0
        masks.append(mask)
    return masks


def train(torch, density, args):
    """Builds the model (masked when density < 1), warms up, times args.steps steps; returns (seconds, last loss, check)."""
    model, _ = build(torch, args.seed)
    optimizer = adamw(torch, model)
    generator = torch.Generator().manual_seed(args.seed)
    stream = torch.randint(0, VOCAB, (args.batch, CONTEXT + 1), generator=generator)
    ids, targets = stream[:, :-1].contiguous(), stream[:, 1:].contiguous()
    weights = block_matrices(model)
    masks = masks_for(torch, weights, density, generator) if density < 1 else None
    if masks is not None:
        with torch.no_grad():
            for w, m in zip(weights, masks):
                w.mul_(m)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = model(ids, targets)
        loss.backward()
        if masks is not None:
            for w, m in zip(weights, masks):
                w.grad.mul_(m)
        optimizer.step()
        if masks is not None:
            with torch.no_grad():
                for w, m in zip(weights, masks):
                    w.mul_(m)
        return loss

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    seconds = time.perf_counter() - start
    zero = masks is None or all(bool((w.detach()[m == 0] == 0).all()) for w, m in zip(weights, masks))
    return seconds, float(loss.item()), zero


def main():
    args = parse_args()
    try:
        import torch
    except ImportError as missing:
        print(f"PyTorch is not importable by {sys.executable}: {missing}", file=sys.stderr)
        return TORCH_MISSING

    torch.set_num_threads(args.threads)
    runs = []
    for mode in (m.strip() for m in args.modes.split(",") if m.strip()):
        if mode == "dense":
            runs.append((mode, 1.0))
        elif mode == "masked":
            runs.extend((mode, float(d)) for d in args.density.split(",") if d.strip())
        else:
            sys.exit(f"error: unknown mode '{mode}'; use dense, masked")

    env = ", ".join(f"{k}={os.environ[k]}" if k in os.environ else f"{k} unset" for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS"))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, python {sys.version.split()[0]}; {env}")
    print(f"attention: {build(torch, 0)[1]}")
    print(f"TinyLm V={VOCAB} D={WIDTH} T={CONTEXT} heads={HEADS} mlp={HIDDEN} blocks={BLOCKS}, batch {args.batch}, {args.warmup} warm-up steps, {args.steps} timed")
    for mode, density in runs:
        seconds, loss, zero = train(torch, density, args)
        tokens = args.steps * args.batch * CONTEXT
        print(f"RESULT mode={mode} density={density:g} tokens_per_second={tokens / seconds:.1f} steps={args.steps} seconds={seconds:.4f} "
              f"last_loss={loss:.4f} inactive_zero={'yes' if zero else 'NO'}", flush=True)
    print(f"BLAS: {blas_in_use()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
