"""PyTorch golden fixtures for the backend conformance suite.

Regenerate with `make golden` (which runs
`/usr/bin/python3 train/golden_ops.py backend/backendtest/testdata/ops.safetensors`
with Debian's python3-torch 1.13) and commit the result. The output is
deterministic: every input comes from a seeded generator.

For every op of backend.Context and every layer function of
backend/layers.go this writes one or more small cases. A case's tensors are
stored as "<case>/<name>" (inputs such as "a", "x", "w"; the expected result
is "<case>/out"), and the metadata key "cases" is a JSON list of
{name, op, params, tol_abs, tol_rel} that the Go suite
(backend/backendtest) runs table-driven. An element passes when
|got - want| <= tol_abs + tol_rel*|want|.

Expected outputs are computed in float64 from the float32 (or f16/bf16)
inputs and rounded once to float32, so they are the exact answers; the
tolerances only have to cover the backend's own float32 rounding. As a check
on the tolerances themselves, every case is also computed in float32 by
PyTorch and must pass its own tolerance (an ordinary float32 implementation
must be able to meet it).
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import stio  # noqa: E402

GEN = torch.Generator().manual_seed(20261127)

TENSORS = {}
CASES = []


def randn(*shape, scale=1.0, shift=0.0):
    return torch.randn(*shape, generator=GEN, dtype=torch.float32) * scale + shift


def uniform(lo, hi, *shape):
    return torch.rand(*shape, generator=GEN, dtype=torch.float32) * (hi - lo) + lo


def case(name, op, params, inputs, fn, tol_abs, tol_rel):
    """Record a case: fn(inputs) computes the result from a dict of tensors
    in whatever dtype it is given (float64 for the reference, float32 for
    the tolerance self-check). None inputs are optional operands left out."""
    assert name not in {c["name"] for c in CASES}, name
    ins = {k: v for k, v in inputs.items() if v is not None}
    ref = fn({k: (v.double() if v is not None else None) for k, v in inputs.items()})
    out = ref.float() if ref.is_floating_point() else ref
    f32 = fn({k: (v.float() if v is not None else None) for k, v in inputs.items()}).float()
    check(name, out, f32, tol_abs, tol_rel)
    for k, v in ins.items():
        TENSORS[f"{name}/{k}"] = v
    TENSORS[f"{name}/out"] = out
    CASES.append({"name": name, "op": op, "params": params,
                  "tol_abs": tol_abs, "tol_rel": tol_rel})


def check(name, want, got, tol_abs, tol_rel):
    assert want.shape == got.shape, (name, want.shape, got.shape)
    w, g = want.double(), got.double()
    finite = torch.isfinite(w)
    assert torch.equal(finite, torch.isfinite(g)), name
    d = (w - g).abs()[finite]
    lim = (tol_abs + tol_rel * w.abs())[finite]
    if d.numel() and not bool((d <= lim).all()):
        i = int(torch.argmax(d / lim))
        raise AssertionError(f"{name}: float32 torch misses its own tolerance: "
                             f"err {float(d[i]):.3g} limit {float(lim[i]):.3g}")


# ---------------------------------------------------------------- elementwise

BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
    "maximum": torch.maximum, "minimum": torch.minimum,
}


def binary_cases():
    shapes = [((2, 3, 4), (3, 1)), ((4,), (2, 3, 4)), ((2, 1, 5), (1, 4, 1)), ((3, 4), (3, 4))]
    for op, f in BINARY.items():
        # + - * max min of float32 operands are correctly rounded, so exact;
        # div allows an implementation as a·(1/b).
        tol = (0.0, 2.5e-7) if op == "div" else (0.0, 0.0)
        for i, (sa, sb) in enumerate(shapes):
            if op not in ("add", "mul", "div") and i > 1:
                continue
            a = randn(*sa)
            b = randn(*sb)
            if op == "div":
                b = torch.where(b.abs() < 0.25, b.sign() * 0.25 + 0.25 * (b == 0), b)
            case(f"binary_{op}_{i}", "binary", {"op": op}, {"a": a, "b": b},
                 lambda t, f=f: f(t["a"], t["b"]), *tol)
        # longer rows, so vectorised loops run their main body and a tail
        a, b = randn(17, 131), randn(131)
        if op == "div":
            b = b.sign() * (b.abs() + 0.25)
        case(f"binary_{op}_long", "binary", {"op": op}, {"a": a, "b": b},
             lambda t, f=f: f(t["a"], t["b"]), *tol)


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


UNARY = {
    # op: (function, input, tol_abs, tol_rel)
    "neg": (torch.neg, lambda: randn(5, 7), 0.0, 0.0),
    "abs": (torch.abs, lambda: randn(5, 7), 0.0, 0.0),
    "exp": (torch.exp, lambda: uniform(-10, 10, 5, 7), 1e-7, 1e-6),
    "log": (torch.log, lambda: torch.cat([uniform(0.01, 10, 30), uniform(0.99, 1.01, 5)]), 1e-7, 1e-6),
    "sqrt": (torch.sqrt, lambda: uniform(0, 100, 5, 7), 0.0, 2.5e-7),
    "rsqrt": (torch.rsqrt, lambda: uniform(1e-3, 100, 5, 7), 0.0, 1e-6),
    "square": (torch.square, lambda: randn(5, 7, scale=3), 0.0, 0.0),
    "recip": (torch.reciprocal, lambda: uniform(0.1, 10, 5, 7) * torch.where(randn(5, 7) > 0, 1.0, -1.0), 0.0, 2.5e-7),
    # sin/cos of arguments up to 10 involve a float32 range reduction whose
    # absolute error (not relative) is what bounds outputs near zero.
    "sin": (torch.sin, lambda: uniform(-10, 10, 5, 7), 1e-6, 1e-6),
    "cos": (torch.cos, lambda: uniform(-10, 10, 5, 7), 1e-6, 1e-6),
    "tanh": (torch.tanh, lambda: torch.cat([uniform(-6, 6, 30), uniform(-1e-3, 1e-3, 5), torch.tensor([-20.0, 20.0])]), 1e-7, 1e-6),
    "sigmoid": (torch.sigmoid, lambda: torch.cat([randn(30, scale=4), torch.tensor([-100.0, -30.0, -17.0, 17.0, 30.0, 100.0])]), 1e-7, 1e-6),
    "relu": (torch.relu, lambda: randn(5, 7), 0.0, 0.0),
    "silu": (F.silu, lambda: torch.cat([randn(30, scale=4), torch.tensor([-100.0, -30.0, 30.0, 100.0])]), 1e-7, 1e-6),
    # GELU for negative x is x·(1+erf(x/√2))/2 where 1+erf cancels: the
    # error is absolute (|x|·eps), so these need an absolute floor.
    "gelu": (lambda x: F.gelu(x), lambda: torch.cat([randn(30, scale=3), torch.tensor([-12.0, -6.0, 6.0, 12.0])]), 1e-6, 1e-6),
    "gelu_tanh": (gelu_tanh, lambda: torch.cat([randn(30, scale=3), torch.tensor([-12.0, -6.0, 6.0, 12.0])]), 1e-6, 1e-6),
}


def unary_cases():
    for op, (f, mk, ta, tr) in UNARY.items():
        case(f"unary_{op}", "unary", {"op": op}, {"a": mk()}, lambda t, f=f: f(t["a"]), ta, tr)
        # 1027 elements drawn from the same range as the short case
        # (a vectorised main loop and a tail)
        short = mk().flatten()
        lo, hi = float(short.min()), float(short.max())
        long = uniform(lo, hi, 1027)
        if op in ("recip",):
            long = long.sign() * (long.abs() + 0.1)
        case(f"unary_{op}_long", "unary", {"op": op}, {"a": long}, lambda t, f=f: f(t["a"]), ta, tr)


def affine_cases():
    for i, (scale, shift) in enumerate([(0.5, 0.25), (-3.0, 1.5), (1.0, 0.0)]):
        a = randn(3, 4, 5)
        case(f"affine_{i}", "affine", {"scale": scale, "shift": shift}, {"a": a},
             lambda t, s=scale, h=shift: t["a"] * s + h, 1e-6, 1e-6)
    for i, slope in enumerate([0.01, 0.2, 0.0]):
        case(f"leaky_relu_{i}", "leaky_relu", {"slope": slope}, {"a": randn(4, 6)},
             lambda t, s=slope: torch.clamp(t["a"], min=0) + s * torch.clamp(t["a"], max=0), 1e-7, 1e-6)


# ----------------------------------------------------------------- reductions

REDUCE = {"sum": torch.sum, "mean": torch.mean,
          "max": lambda x, dim, keepdim: torch.amax(x, dim=dim, keepdim=keepdim),
          "min": lambda x, dim, keepdim: torch.amin(x, dim=dim, keepdim=keepdim)}


def reduce_cases():
    x = randn(3, 4, 5, 6)
    for op, f in REDUCE.items():
        tol = (0.0, 0.0) if op in ("max", "min") else (1e-6, 1e-6)
        for axis, keep in [(0, False), (1, True), (2, False), (-1, True), (-1, False)]:
            case(f"reduce_{op}_ax{axis}_{int(keep)}", "reduce", {"op": op, "axis": axis, "keep_dim": keep},
                 {"a": x}, lambda t, f=f, a=axis, k=keep: f(t["a"], dim=a, keepdim=k), *tol)
    # a long axis, where the order of summation shows
    long = randn(4, 1000, scale=1, shift=0.5)
    for op in ("sum", "mean"):
        case(f"reduce_{op}_long", "reduce", {"op": op, "axis": 1, "keep_dim": False}, {"a": long},
             lambda t, f=REDUCE[op]: f(t["a"], dim=1, keepdim=False), 1e-5, 1e-5)


def softmax_cases():
    case("softmax_last", "softmax", {"axis": -1}, {"a": randn(3, 5, 17, scale=3)},
         lambda t: torch.softmax(t["a"], -1), 1e-7, 1e-6)
    case("softmax_long", "softmax", {"axis": -1}, {"a": randn(2, 1000, scale=3)},
         lambda t: torch.softmax(t["a"], -1), 1e-7, 1e-6)
    case("softmax_axis1", "softmax", {"axis": 1}, {"a": randn(2, 6, 4, scale=3)},
         lambda t: torch.softmax(t["a"], 1), 1e-7, 1e-6)
    # large logits: exp overflows unless the max is subtracted first
    big = randn(2, 40, scale=5, shift=95)
    big[0, 3] = -float("inf")
    case("softmax_large", "softmax", {"axis": -1}, {"a": big},
         lambda t: torch.softmax(t["a"], -1), 1e-7, 1e-6)


# --------------------------------------------------------------------- matmul

def mm(a, b, ta, tb):
    if ta:
        a = a.transpose(-1, -2)
    if tb:
        b = b.transpose(-1, -2)
    return torch.matmul(a, b)


def matmul_cases():
    # Inputs are scaled like activations (N(0,1)) times weights (N(0,1/K)),
    # so results are O(1) and the float32 accumulation error is ~√K·eps.
    M, K, N = 7, 70, 9
    for ta in (False, True):
        for tb in (False, True):
            a = randn(*((2, K, M) if ta else (2, M, K)))
            b = randn(*((2, N, K) if tb else (2, K, N)), scale=K ** -0.5)
            case(f"matmul_t{int(ta)}{int(tb)}", "matmul", {"trans_a": ta, "trans_b": tb},
                 {"a": a, "b": b}, lambda t, ta=ta, tb=tb: mm(t["a"], t["b"], ta, tb), 1e-5, 1e-5)
    # batch broadcast: [2,1,M,K] x [3,K,N] -> [2,3,M,N]; [B,M,K] x [K,N]
    case("matmul_bcast", "matmul", {"trans_a": False, "trans_b": False},
         {"a": randn(2, 1, 5, 33), "b": randn(3, 33, 6, scale=33 ** -0.5)},
         lambda t: mm(t["a"], t["b"], False, False), 1e-5, 1e-5)
    case("matmul_2d_weight", "matmul", {"trans_a": False, "trans_b": True},
         {"a": randn(3, 11, 48), "b": randn(20, 48, scale=48 ** -0.5)},
         lambda t: mm(t["a"], t["b"], False, True), 1e-5, 1e-5)
    case("matmul_large_k", "matmul", {"trans_a": False, "trans_b": False},
         {"a": randn(20, 600), "b": randn(600, 24, scale=600 ** -0.5)},
         lambda t: mm(t["a"], t["b"], False, False), 1e-5, 1e-5)
    case("matmul_vec", "matmul", {"trans_a": False, "trans_b": True},
         {"a": randn(1, 200), "b": randn(50, 200, scale=200 ** -0.5)},
         lambda t: mm(t["a"], t["b"], False, True), 1e-5, 1e-5)
    case("matmul_bcast_tt", "matmul", {"trans_a": True, "trans_b": True},
         {"a": randn(3, 40, 6), "b": randn(1, 5, 40, scale=40 ** -0.5)},
         lambda t: mm(t["a"], t["b"], True, True), 1e-5, 1e-5)
    case("matmul_plain", "matmul", {"trans_a": False, "trans_b": False},
         {"a": randn(65, 129), "b": randn(129, 67, scale=129 ** -0.5)},
         lambda t: mm(t["a"], t["b"], False, False), 1e-5, 1e-5)
    # half-precision weights: the file stores b as F16/BF16; the reference
    # uses its exact widened values with a in float32.
    for dt, name in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
        for tb in (False, True):
            w = randn(*((24, 64) if tb else (64, 24)), scale=0.125).to(dt)
            case(f"matmul_{name}_t{int(tb)}", "matmul", {"trans_a": False, "trans_b": tb},
                 {"a": randn(2, 5, 64), "b": w}, lambda t, tb=tb: mm(t["a"], t["b"], False, tb), 1e-5, 1e-5)


# --------------------------------------------------------------------- layout

def layout_cases():
    x = randn(2, 3, 4)
    case("reshape_infer", "reshape", {"shape": [4, -1]}, {"a": x}, lambda t: t["a"].reshape(4, -1), 0.0, 0.0)
    case("reshape_expand", "reshape", {"shape": [2, 3, 2, 2]}, {"a": x}, lambda t: t["a"].reshape(2, 3, 2, 2), 0.0, 0.0)
    y = randn(2, 3, 4, 5)
    for i, axes in enumerate([(0, 2, 3, 1), (3, 1, 0, 2), (0, 1, 3, 2), (1, 0, 2, 3)]):
        case(f"permute_{i}", "permute", {"axes": list(axes)}, {"a": y},
             lambda t, ax=axes: t["a"].permute(*ax), 0.0, 0.0)
    for i, (axis, s, e) in enumerate([(0, 1, 2), (1, 1, 3), (-1, 2, 5), (2, 0, 4), (3, 0, 0)]):
        case(f"slice_{i}", "slice", {"axis": axis, "start": s, "end": e}, {"a": y},
             lambda t, a=axis, s=s, e=e: t["a"].narrow(a, s, e - s), 0.0, 0.0)
    for i, (axis, shapes) in enumerate([(1, [(2, 1, 4), (2, 3, 4), (2, 2, 4)]),
                                        (-1, [(3, 2), (3, 5)]),
                                        (0, [(1, 2, 3), (2, 2, 3), (1, 2, 3)])]):
        ins = {f"in{j}": randn(*s) for j, s in enumerate(shapes)}
        case(f"concat_{i}", "concat", {"axis": axis, "n": len(shapes)}, ins,
             lambda t, a=axis, n=len(shapes): torch.cat([t[f"in{j}"] for j in range(n)], a), 0.0, 0.0)


def torch_pad(x, before, after, mode, value):
    """F.pad with per-axis before/after lists (axis order, as backend.Pad)."""
    pads = []
    for b, a in zip(reversed(before), reversed(after)):
        pads += [b, a]
    while len(pads) > 2 and pads[-1] == 0 and pads[-2] == 0:
        pads = pads[:-2]
    if mode == "constant":
        return F.pad(x, pads, mode="constant", value=value)
    return F.pad(x, pads, mode=mode)


def pad_cases():
    specs = [
        # (shape, before, after)
        ((2, 3, 5), [0, 0, 2], [0, 0, 1]),
        ((1, 2, 4, 5), [0, 0, 1, 2], [0, 0, 3, 1]),
        ((1, 2, 3, 4, 5), [0, 0, 1, 2, 0], [0, 0, 2, 0, 3]),
    ]
    for mode in ("constant", "replicate", "reflect"):
        for i, (shape, before, after) in enumerate(specs):
            x = randn(*shape)
            case(f"pad_{mode}_{len(shape) - 2}d", "pad",
                 {"before": before, "after": after, "mode": mode, "value": 0.5}, {"a": x},
                 lambda t, b=before, a=after, m=mode: torch_pad(t["a"], b, a, m, 0.5), 0.0, 0.0)
    # constant padding of a leading axis
    case("pad_constant_lead", "pad", {"before": [1, 0], "after": [2, 1], "mode": "constant", "value": -2.0},
         {"a": randn(3, 4)}, lambda t: torch_pad(t["a"], [1, 0], [2, 1], "constant", -2.0), 0.0, 0.0)


def embedding_cases():
    ids = [3, 0, 9, 3, 7]
    case("embedding_f32", "embedding", {"ids": ids}, {"table": randn(10, 6)},
         lambda t: F.embedding(torch.tensor(ids), t["table"]), 0.0, 0.0)
    case("embedding_f16", "embedding", {"ids": ids}, {"table": randn(10, 6).half()},
         lambda t: F.embedding(torch.tensor(ids), t["table"]), 0.0, 0.0)
    case("embedding_bf16", "embedding", {"ids": ids}, {"table": randn(10, 6).bfloat16()},
         lambda t: F.embedding(torch.tensor(ids), t["table"]), 0.0, 0.0)


def cast_cases():
    x = torch.cat([randn(40, scale=10),
                   # values on and near the rounding boundaries of f16 and bf16
                   torch.tensor([1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8,
                                 -(1 + 2 ** -8), 65504.0, 1e-8, 0.0, -0.0, 3e-5,
                                 # f16 overflow to ±Inf and f16 subnormals
                                 70000.0, -1e5, 1e-6, 6e-8, 2 ** -24 * 1.5])])
    for dt, name in ((torch.float16, "F16"), (torch.bfloat16, "BF16"), (torch.float32, "F32")):
        case(f"cast_{name}", "cast", {"dtype": name}, {"a": x},
             lambda t, dt=dt: t["a"].float().to(dt).float(), 0.0, 0.0)


# ------------------------------------------------------------------ spatial

def conv_ref(x, w, bias, stride, dilation, pb, pa, mode, groups):
    nd = w.dim() - 2
    pads = []
    for b, a in zip(reversed(pb), reversed(pa)):
        pads += [b, a]
    if any(pads):
        if mode == "constant":
            x = F.pad(x, pads, mode="constant", value=0.0)
        else:
            x = F.pad(x, pads, mode=mode)
    conv = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return conv(x, w, bias, stride=stride, dilation=dilation, groups=groups)


def conv_cases():
    specs = [
        # name, x shape, w shape, stride, dilation, pad_before, pad_after, mode, groups, bias, wdtype
        ("conv1d_basic", (2, 4, 19), (6, 4, 3), [1], [1], [1], [1], "constant", 1, True, None),
        ("conv1d_stride_dil", (2, 4, 23), (6, 2, 3), [2], [2], [0], [0], "constant", 2, True, None),
        ("conv1d_causal_zero", (1, 3, 16), (5, 3, 4), [1], [1], [3], [0], "constant", 1, True, None),
        ("conv1d_causal_repl", (1, 3, 16), (5, 3, 3), [1], [2], [4], [0], "replicate", 1, False, None),
        ("conv1d_depthwise", (2, 6, 12), (6, 1, 5), [1], [1], [2], [2], "constant", 6, True, None),
        ("conv2d_basic", (2, 3, 9, 8), (5, 3, 3, 3), [1, 1], [1, 1], [1, 1], [1, 1], "constant", 1, True, None),
        ("conv2d_stride", (1, 4, 11, 10), (6, 4, 3, 2), [2, 3], [1, 1], [1, 0], [1, 1], "constant", 1, False, None),
        ("conv2d_dil_groups", (1, 4, 12, 12), (8, 2, 3, 3), [1, 1], [2, 1], [2, 1], [2, 1], "constant", 2, True, None),
        ("conv2d_1x1", (2, 8, 5, 6), (4, 8, 1, 1), [1, 1], [1, 1], [0, 0], [0, 0], "constant", 1, True, None),
        ("conv2d_reflect", (1, 3, 7, 8), (4, 3, 3, 3), [1, 1], [1, 1], [1, 1], [1, 1], "reflect", 1, True, None),
        ("conv1d_bf16w", (1, 8, 10), (4, 8, 3), [1], [1], [2], [0], "replicate", 1, True, torch.bfloat16),
        ("conv2d_f16w", (1, 4, 7, 6), (5, 4, 3, 3), [1, 1], [1, 1], [1, 1], [1, 1], "constant", 1, True, torch.float16),
        ("conv2d_bf16w", (1, 4, 7, 6), (5, 4, 3, 3), [1, 1], [1, 1], [1, 1], [1, 1], "constant", 1, True, torch.bfloat16),
        ("conv3d_basic", (1, 3, 5, 6, 7), (4, 3, 3, 3, 3), [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], "constant", 1, True, None),
        ("conv3d_causal_zero", (1, 4, 5, 6, 6), (4, 4, 3, 3, 3), [1, 1, 1], [1, 1, 1], [2, 1, 1], [0, 1, 1], "constant", 1, True, None),
        ("conv3d_causal_repl", (1, 4, 5, 6, 6), (6, 4, 3, 3, 3), [1, 1, 1], [1, 1, 1], [2, 1, 1], [0, 1, 1], "replicate", 1, True, None),
        ("conv3d_stride_groups", (2, 4, 6, 7, 8), (6, 2, 3, 3, 3), [2, 2, 2], [1, 1, 1], [1, 1, 1], [1, 1, 1], "constant", 2, False, None),
        ("conv3d_dilation", (1, 2, 7, 7, 7), (3, 2, 2, 3, 2), [1, 2, 1], [2, 1, 3], [0, 0, 0], [0, 0, 0], "constant", 1, True, None),
    ]
    for name, xs, ws, stride, dil, pb, pa, mode, groups, has_bias, wdt in specs:
        fan_in = 1
        for d in ws[1:]:
            fan_in *= d
        x = randn(*xs)
        w = randn(*ws, scale=fan_in ** -0.5)
        if wdt is not None:
            w = w.to(wdt)
        b = randn(ws[0], scale=0.1) if has_bias else None
        params = {"stride": stride, "dilation": dil, "pad_before": pb, "pad_after": pa,
                  "pad_mode": mode, "groups": groups}
        case(name, "conv", params, {"x": x, "w": w, "bias": b},
             lambda t, a=(stride, dil, pb, pa, mode, groups): conv_ref(t["x"], t["w"], t.get("bias"), *a),
             1e-5, 1e-5)


def conv_transpose_cases():
    specs = [
        # name, x shape, cin, cout, k, stride, padding, output_padding, dilation, groups, bias
        ("convt1d_basic", (2, 4, 9), 4, 3, 3, 1, 0, 0, 1, 1, True),
        ("convt1d_stride2", (1, 4, 8), 4, 6, 4, 2, 1, 0, 1, 1, True),
        ("convt1d_outpad", (2, 3, 7), 3, 5, 3, 2, 1, 1, 1, 1, False),
        ("convt1d_groups", (1, 6, 10), 6, 4, 5, 3, 2, 2, 1, 2, True),
        ("convt1d_dilation", (1, 2, 8), 2, 3, 3, 2, 1, 0, 2, 1, True),
        ("convt1d_upsample8", (1, 4, 6), 4, 2, 16, 8, 4, 0, 1, 1, True),
    ]
    for name, xs, cin, cout, k, s, p, op, d, g, has_bias in specs:
        x = randn(*xs)
        w = randn(cin, cout // g, k, scale=(cin * k / s) ** -0.5)
        b = randn(cout, scale=0.1) if has_bias else None
        params = {"stride": s, "padding": p, "output_padding": op, "dilation": d, "groups": g}
        case(name, "conv_transpose1d", params, {"x": x, "w": w, "bias": b},
             lambda t, a=(s, p, op, g, d): F.conv_transpose1d(t["x"], t["w"], t.get("bias"), *a),
             1e-5, 1e-5)


def upsample_cases():
    for name, shape, scale in [("upsample_1d", (2, 3, 5), [3]), ("upsample_2d", (1, 2, 3, 4), [2, 3]),
                               ("upsample_3d", (1, 2, 2, 3, 3), [1, 2, 2])]:
        case(name, "upsample_nearest", {"scale": scale}, {"x": randn(*shape)},
             lambda t, s=scale: F.interpolate(t["x"], scale_factor=tuple(float(v) for v in s), mode="nearest"),
             0.0, 0.0)


# -------------------------------------------------------------------- layers

def rms_norm(x, w, eps):
    y = x * torch.rsqrt(torch.mean(x * x, -1, keepdim=True) + eps)
    return y * w if w is not None else y


def norm_cases():
    D = 48
    x = randn(2, 5, D, shift=3.0)
    w, b = randn(D, scale=0.5, shift=1.0), randn(D, scale=0.2)
    case("layer_norm_affine", "layer_norm", {"eps": 1e-5}, {"x": x, "w": w, "b": b},
         lambda t: F.layer_norm(t["x"], (D,), t["w"], t["b"], 1e-5), 1e-6, 1e-5)
    case("layer_norm_plain", "layer_norm", {"eps": 1e-6}, {"x": randn(3, 20, scale=2)},
         lambda t: F.layer_norm(t["x"], (20,), None, None, 1e-6), 1e-6, 1e-5)
    case("layer_norm_long", "layer_norm", {"eps": 1e-5},
         {"x": randn(3, 1000, shift=1.0), "w": randn(1000, scale=0.5, shift=1.0), "b": randn(1000, scale=0.2)},
         lambda t: F.layer_norm(t["x"], (1000,), t["w"], t["b"], 1e-5), 1e-6, 1e-5)
    case("rms_norm_long", "rms_norm", {"eps": 1e-6}, {"x": randn(2, 1000), "w": randn(1000, shift=1.0)},
         lambda t: rms_norm(t["x"], t["w"], 1e-6), 1e-6, 1e-5)
    case("rms_norm_w", "rms_norm", {"eps": 1e-6}, {"x": randn(2, 5, D), "w": w},
         lambda t: rms_norm(t["x"], t["w"], 1e-6), 1e-6, 1e-5)
    case("rms_norm_plain", "rms_norm", {"eps": 1e-5}, {"x": randn(4, 16, scale=0.1)},
         lambda t: rms_norm(t["x"], None, 1e-5), 1e-6, 1e-5)
    xg = randn(2, 8, 4, 5, shift=1.0)
    case("group_norm_2d", "group_norm", {"groups": 4, "eps": 1e-5},
         {"x": xg, "w": randn(8, scale=0.5, shift=1), "b": randn(8, scale=0.2)},
         lambda t: F.group_norm(t["x"], 4, t["w"], t["b"], 1e-5), 1e-6, 1e-5)
    case("group_norm_3d", "group_norm", {"groups": 3, "eps": 1e-6},
         {"x": randn(1, 6, 3, 4, 4), "w": randn(6, scale=0.5, shift=1), "b": randn(6, scale=0.2)},
         lambda t: F.group_norm(t["x"], 3, t["w"], t["b"], 1e-6), 1e-6, 1e-5)
    case("group_norm_plain", "group_norm", {"groups": 2, "eps": 1e-5}, {"x": randn(2, 4, 7)},
         lambda t: F.group_norm(t["x"], 2, None, None, 1e-5), 1e-6, 1e-5)
    case("pixel_norm_video", "pixel_norm", {"axis": 1, "eps": 1e-6}, {"x": randn(1, 8, 3, 4, 5)},
         lambda t: t["x"] * torch.rsqrt(torch.mean(t["x"] ** 2, 1, keepdim=True) + 1e-6), 1e-6, 1e-5)
    for axis in (1, -1):
        xp = randn(2, 4, 3, 5)
        case(f"pixel_norm_ax{axis}", "pixel_norm", {"axis": axis, "eps": 1e-8}, {"x": xp},
             lambda t, a=axis: t["x"] * torch.rsqrt(torch.mean(t["x"] ** 2, a, keepdim=True) + 1e-8),
             1e-6, 1e-5)


def attention_ref(q, k, v, mask, scale):
    s = torch.matmul(q, k.transpose(-1, -2)) * scale
    if mask is not None:
        s = s + mask
    return torch.matmul(torch.softmax(s, -1), v)


def attention_cases():
    specs = [
        # name, B, H, Sq, Sk, D, Dv, mask
        ("attention_basic", 1, 2, 5, 7, 16, 16, None),
        ("attention_dv", 2, 2, 4, 9, 8, 12, None),
        ("attention_causal", 1, 3, 12, 12, 16, 16, "causal"),
        ("attention_keypad", 2, 2, 6, 10, 8, 8, "keypad"),
        ("attention_long", 1, 2, 150, 150, 32, 32, None),
        ("attention_long_mask", 1, 1, 70, 133, 16, 16, "causal"),
        ("attention_decode", 2, 3, 1, 37, 16, 16, "perhead"),
    ]
    for name, B, H, Sq, Sk, D, Dv, mk in specs:
        q, k, v = randn(B, H, Sq, D), randn(B, H, Sk, D), randn(B, H, Sk, Dv)
        mask = None
        if mk == "causal":
            off = Sk - Sq
            i = torch.arange(Sq).unsqueeze(1)
            j = torch.arange(Sk).unsqueeze(0)
            mask = torch.where(j <= i + off, 0.0, -float("inf")).reshape(Sq, Sk)
        elif mk == "keypad":
            mask = torch.zeros(B, 1, 1, Sk)
            mask[0, ..., 7:] = -float("inf")
            mask[1, ..., 4] = -float("inf")
            mask[1, ..., 5] = -2.0
        elif mk == "perhead":
            mask = randn(1, H, Sq, Sk)
            mask[0, 1, 0, ::3] = -float("inf")
        scale = D ** -0.5
        case(name, "attention", {"scale": scale}, {"q": q, "k": k, "v": v, "mask": mask},
             lambda t, s=scale: attention_ref(t["q"], t["k"], t["v"], t.get("mask"), s), 1e-5, 1e-5)


def rope_ref(x, cos, sin, layout):
    d = x.shape[-1]
    if layout == "split_half":
        a, b = x[..., : d // 2], x[..., d // 2:]
        return torch.cat([a * cos - b * sin, b * cos + a * sin], -1)
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack([a * cos - b * sin, b * cos + a * sin], -1).reshape(x.shape)


def rope_cases():
    S, D = 11, 16
    pos = torch.arange(S, dtype=torch.float64).unsqueeze(1)
    freq = 10000.0 ** (-torch.arange(D // 2, dtype=torch.float64) * 2 / D)
    ang = pos * freq
    cos, sin = torch.cos(ang).float(), torch.sin(ang).float()
    for layout in ("split_half", "interleaved"):
        case(f"rope_{layout}", "rope", {"layout": layout}, {"x": randn(2, 3, S, D), "cos": cos, "sin": sin},
             lambda t, l=layout: rope_ref(t["x"], t["cos"], t["sin"], l), 1e-6, 1e-6)


def snake_cases():
    C, T = 5, 23
    alpha = torch.exp(randn(C, scale=0.3))
    beta = torch.exp(randn(C, scale=0.3))
    case("snake_beta", "snake", {}, {"x": randn(2, C, T, scale=2), "alpha": alpha, "beta": beta},
         lambda t: t["x"] + torch.sin(t["alpha"].reshape(C, 1) * t["x"]) ** 2 / (t["beta"].reshape(C, 1) + 1e-9),
         1e-6, 1e-6)
    case("snake_plain", "snake", {}, {"x": randn(1, C, T, scale=2), "alpha": alpha},
         lambda t: t["x"] + torch.sin(t["alpha"].reshape(C, 1) * t["x"]) ** 2 / (t["alpha"].reshape(C, 1) + 1e-9),
         1e-6, 1e-6)


def depth_to_space_ref(x, factors):
    """x [B, C·∏f, *S] -> [B, C, S0·f0, ...] with channel factor order (c, f0, f1, ...)."""
    n = len(factors)
    B, CF, *S = x.shape
    prod = math.prod(factors)
    y = x.reshape(B, CF // prod, *factors, *S)
    axes = [0, 1]
    for i in range(n):
        axes += [2 + n + i, 2 + i]
    y = y.permute(*axes)
    return y.reshape(B, CF // prod, *[s * f for s, f in zip(S, factors)])


def depth_to_space_cases():
    x = randn(2, 12, 3, 4)
    case("depth_to_space_2d", "depth_to_space", {"factors": [2, 2]}, {"x": x},
         lambda t: F.pixel_shuffle(t["x"], 2), 0.0, 0.0)
    assert torch.equal(F.pixel_shuffle(x, 2), depth_to_space_ref(x, [2, 2]))
    case("depth_to_space_2d_uneven", "depth_to_space", {"factors": [1, 3]}, {"x": randn(1, 6, 2, 3)},
         lambda t: depth_to_space_ref(t["x"], [1, 3]), 0.0, 0.0)
    case("depth_to_space_3d", "depth_to_space", {"factors": [2, 2, 2]}, {"x": randn(1, 16, 2, 3, 2)},
         lambda t: depth_to_space_ref(t["x"], [2, 2, 2]), 0.0, 0.0)
    case("depth_to_space_1d", "depth_to_space", {"factors": [4]}, {"x": randn(2, 8, 5)},
         lambda t: depth_to_space_ref(t["x"], [4]), 0.0, 0.0)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: golden_ops.py OUT.safetensors")
    torch.set_num_threads(1)
    for f in (binary_cases, unary_cases, affine_cases, reduce_cases, softmax_cases, matmul_cases,
              layout_cases, pad_cases, embedding_cases, cast_cases, conv_cases, conv_transpose_cases,
              upsample_cases, norm_cases, attention_cases, rope_cases, snake_cases, depth_to_space_cases):
        f()
    meta = {"cases": json.dumps(CASES, separators=(",", ":")),
            "generator": "train/golden_ops.py", "torch": torch.__version__}
    stio.save(sys.argv[1], TENSORS, meta)
    size = sum(t.numel() * t.element_size() for t in TENSORS.values())
    print(f"wrote {len(CASES)} cases, {len(TENSORS)} tensors, {size / 1e6:.2f} MB of data to {sys.argv[1]}")


if __name__ == "__main__":
    main()
