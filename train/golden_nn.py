"""Golden fixtures for the nn package (layers built on backend ops).

Builds each layer in PyTorch with seeded random weights, runs it on seeded
random inputs and writes weights, inputs and outputs to one safetensors file
under the names the Go structs in nn/ bind (weights.Bind with a prefix per
case). References are computed in float64 from the stored (possibly F16/BF16)
weights and stored as F32, so the Go tests measure only their own error.

Usage: /usr/bin/python3 train/golden_nn.py nn/testdata/layers.safetensors
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stio  # noqa: E402

torch.manual_seed(20261127)
D64 = torch.float64
out = {}


def rnd(*shape, scale=1.0):
    return torch.randn(*shape, dtype=D64) * scale


def put(name, t, dtype=torch.float32):
    """Store t (rounded to dtype) and return the stored value in float64."""
    s = t.to(dtype)
    out[name] = s
    return s.to(D64)


# ---------------------------------------------------------------- Linear
def linear(x, w, b=None):
    y = x @ w.t()
    return y if b is None else y + b


for name, wdt, bias in [("linear_f32", torch.float32, True),
                        ("linear_f16", torch.float16, False),
                        ("linear_bf16", torch.bfloat16, True)]:
    x = put(name + ".x", rnd(2, 5, 24))
    w = put(name + ".weight", rnd(40, 24, scale=24 ** -0.5), wdt)
    b = put(name + ".bias", rnd(40), wdt) if bias else None
    put(name + ".y", linear(x, w, b))

# ---------------------------------------------------------------- norms
x = put("norm.x", rnd(2, 3, 32) * 2 + 0.5)
w = put("layernorm.weight", 1 + rnd(32, scale=0.1))
b = put("layernorm.bias", rnd(32, scale=0.1))
put("layernorm.y", F.layer_norm(x, (32,), w, b, eps=1e-6))
put("layernorm_plain.y", F.layer_norm(x, (32,), None, None, eps=1e-6))


def rms_norm(x, w, eps):
    y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return y if w is None else y * w


w = put("rmsnorm.weight", 1 + rnd(32, scale=0.1), torch.bfloat16)
put("rmsnorm.y", rms_norm(x, w, 1e-6))
put("rmsnorm_plain.y", rms_norm(x, None, 1e-6))

x = put("groupnorm.x", rnd(2, 8, 3, 5) + 1)
w = put("groupnorm.weight", 1 + rnd(8, scale=0.1))
b = put("groupnorm.bias", rnd(8, scale=0.1))
put("groupnorm.y", F.group_norm(x, 4, w, b, eps=1e-6))

# ---------------------------------------------------------------- activations
x = put("act.x", rnd(3, 17) * 3)
put("act.gelu_tanh", F.gelu(x, approximate="tanh"))
put("act.gelu", F.gelu(x))
put("act.silu", F.silu(x))

# ---------------------------------------------------------------- feed-forward (Wan: Linear, GELU(tanh), Linear)
x = put("ffn.x", rnd(2, 6, 32))
w0 = put("ffn.0.weight", rnd(64, 32, scale=32 ** -0.5), torch.float16)
b0 = put("ffn.0.bias", rnd(64, scale=0.1), torch.float16)
w2 = put("ffn.2.weight", rnd(32, 64, scale=64 ** -0.5), torch.float16)
b2 = put("ffn.2.bias", rnd(32, scale=0.1), torch.float16)
put("ffn.y", linear(F.gelu(linear(x, w0, b0), approximate="tanh"), w2, b2))


# ---------------------------------------------------------------- RoPE tables
def rope_freqs(dim, theta=10000.0):
    """Wan's rope_params frequencies for one axis of dim features."""
    return 1.0 / theta ** (torch.arange(0, dim, 2, dtype=D64) / dim)


def axis_dims(d):
    """Wan's split of the head dimension into (time, height, width)."""
    return [d - 4 * (d // 6), 2 * (d // 6), 2 * (d // 6)]


def rope_angles(pos, dims, theta=10000.0):
    """pos: [S, axes] float64 -> angles [S, sum(dims)/2]."""
    return torch.cat([pos[:, i:i + 1] * rope_freqs(d, theta)[None, :]
                      for i, d in enumerate(dims)], dim=1)


def grid_positions(f, h, w):
    g = torch.stack(torch.meshgrid(torch.arange(f), torch.arange(h), torch.arange(w),
                                   indexing="ij"), -1)
    return g.reshape(-1, 3).to(D64)


def wan_table(f, h, w, d):
    """Wan's own construction: per-axis tables indexed by integer positions."""
    c = d // 2
    freqs = torch.cat([torch.outer(torch.arange(1024, dtype=D64), rope_freqs(x))
                       for x in axis_dims(d)], dim=1)
    parts = freqs.split([c - 2 * (c // 3), c // 3, c // 3], dim=1)
    return torch.cat([parts[0][:f].view(f, 1, 1, -1).expand(f, h, w, -1),
                      parts[1][:h].view(1, h, 1, -1).expand(f, h, w, -1),
                      parts[2][:w].view(1, 1, w, -1).expand(f, h, w, -1)],
                     dim=-1).reshape(f * h * w, -1)


HEAD = 16
VF, VH, VW = 2, 2, 3
NA = 4
AUDIO_STEP = 0.5  # audio tokens per latent frame: 2 -> time step 0.5 frame
vpos = grid_positions(VF, VH, VW)
apos = torch.zeros(NA, 3, dtype=D64)
apos[:, 0] = torch.arange(NA, dtype=D64) * AUDIO_STEP
pos = torch.cat([vpos, apos], 0)
ang = rope_angles(pos, axis_dims(HEAD))
assert torch.allclose(ang[:VF * VH * VW], wan_table(VF, VH, VW, HEAD))
put("rope3d.cos", ang.cos())
put("rope3d.sin", ang.sin())
ang1 = torch.outer(torch.arange(7, dtype=D64) * 1.25 + 3, rope_freqs(10, 500.0))
put("rope1d.cos", ang1.cos())
put("rope1d.sin", ang1.sin())


def apply_rope(x, cos, sin, interleaved):
    """x [..., S, D]; cos, sin [S, D/2]."""
    if interleaved:
        a, b = x[..., 0::2], x[..., 1::2]
        return torch.stack([a * cos - b * sin, b * cos + a * sin], -1).flatten(-2)
    h = x.shape[-1] // 2
    a, b = x[..., :h], x[..., h:]
    return torch.cat([a * cos - b * sin, b * cos + a * sin], -1)


# ---------------------------------------------------------------- attention
def attention(p, x, kv, heads, qk_norm, cos=None, sin=None, interleaved=True, mask=None):
    B, S, _ = x.shape
    q = linear(x, p["q.weight"], p.get("q.bias"))
    k = linear(kv, p["k.weight"], p.get("k.bias"))
    v = linear(kv, p["v.weight"], p.get("v.bias"))
    if qk_norm == "full":
        q = rms_norm(q, p["norm_q.weight"], 1e-6)
        k = rms_norm(k, p["norm_k.weight"], 1e-6)
    split = lambda t: t.view(B, t.shape[1], heads, -1)
    q, k, v = split(q), split(k), split(v)
    if qk_norm == "head":
        q = rms_norm(q, p["norm_q.weight"], 1e-6)
        k = rms_norm(k, p["norm_k.weight"], 1e-6)
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))
    if cos is not None:
        q = apply_rope(q, cos, sin, interleaved)
        k = apply_rope(k, cos, sin, interleaved)
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        s = s + mask
    o = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, S, -1)
    return linear(o, p["o.weight"], p.get("o.bias"))


def attn_params(prefix, dim, kv_dim, inner, norm_dim, wdt):
    p = {}
    for n, (o, i) in {"q": (inner, dim), "k": (inner, kv_dim), "v": (inner, kv_dim),
                      "o": (dim, inner)}.items():
        p[n + ".weight"] = put(f"{prefix}.{n}.weight", rnd(o, i, scale=i ** -0.5), wdt)
        p[n + ".bias"] = put(f"{prefix}.{n}.bias", rnd(o, scale=0.1), wdt)
    if norm_dim:
        for n in ("norm_q", "norm_k"):
            p[n + ".weight"] = put(f"{prefix}.{n}.weight", 1 + rnd(norm_dim, scale=0.1), wdt)
    return p


S = VF * VH * VW + NA
x = put("attn_self.x", rnd(2, S, 32))
p = attn_params("attn_self", 32, 32, 2 * HEAD, 2 * HEAD, torch.float32)
put("attn_self.y", attention(p, x, x, 2, "full", ang.cos(), ang.sin(), True))

x = put("attn_cross.x", rnd(2, 5, 32))
ctx = put("attn_cross.context", rnd(2, 7, 24))
mask = torch.zeros(2, 1, 1, 7, dtype=D64)
mask[1, ..., 5:] = -math.inf
mask = put("attn_cross.mask", mask)
p = attn_params("attn_cross", 32, 24, 32, 8, torch.bfloat16)
put("attn_cross.y", attention(p, x, ctx, 4, "head", mask=mask))

x = put("attn_rope1d.x", rnd(1, 7, 20))
p = attn_params("attn_rope1d", 20, 20, 20, 0, torch.float32)
put("attn_rope1d.y", attention(p, x, x, 2, None, ang1.cos(), ang1.sin(), False))


# ---------------------------------------------------------------- timestep embedding
def sinusoidal(t, dim, flip, shift, max_period=10000.0):
    """diffusers' get_timestep_embedding, in float64."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=D64) / (half - shift))
    a = t[:, None] * freqs[None, :]
    e = torch.cat([a.sin(), a.cos()], -1)
    if flip:
        e = torch.cat([e[:, half:], e[:, :half]], -1)
    if dim % 2:
        e = F.pad(e, (0, 1))
    return e


t = torch.tensor([0.0, 1.5, 500.0, 999.0], dtype=D64)
put("timestep.t", t)
put("timestep.sin_shift1", sinusoidal(t, 33, False, 1.0))
e = sinusoidal(t, 32, True, 0.0)
put("timestep.cos_shift0", e)
w0 = put("time_embedding.0.weight", rnd(48, 32, scale=32 ** -0.5))
b0 = put("time_embedding.0.bias", rnd(48, scale=0.1))
w2 = put("time_embedding.2.weight", rnd(48, 48, scale=48 ** -0.5))
b2 = put("time_embedding.2.bias", rnd(48, scale=0.1))
emb = linear(F.silu(linear(e, w0, b0)), w2, b2)
put("time_embedding.y", emb)

# ---------------------------------------------------------------- adaLN modulation (Wan block)
w = put("time_projection.1.weight", rnd(6 * 48, 48, scale=48 ** -0.5))
b = put("time_projection.1.bias", rnd(6 * 48, scale=0.1))
e0 = linear(F.silu(emb), w, b).view(4, 6, 48)
put("time_projection.y", e0)
table = put("block.modulation", rnd(1, 6, 48, scale=48 ** -0.5))
ch = (table + e0).chunk(6, dim=1)
x = put("block.x", rnd(4, 5, 48))
y = F.layer_norm(x, (48,), eps=1e-6) * (1 + ch[1]) + ch[0]
put("block.modulated", y)
put("block.y", x + y * ch[2])


# ---------------------------------------------------------------- convolutions
def conv_case(name, dims, x, cin, cout, k, wdt=torch.float32, bias=True, **kw):
    x = put(name + ".x", x)
    g = kw.get("groups", 1)
    fan = cin // g * math.prod(k)
    w = put(name + ".weight", rnd(cout, cin // g, *k, scale=fan ** -0.5), wdt)
    b = put(name + ".bias", rnd(cout, scale=0.1), wdt) if bias else None
    f = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
    put(name + ".y", f(x, w, b, **kw))


conv_case("conv1d", 1, rnd(2, 4, 11), 4, 6, (3,), stride=2, padding=1, groups=2)
conv_case("conv2d", 2, rnd(1, 3, 6, 7), 3, 5, (3, 3), torch.float16, padding=1, dilation=(1, 2))
conv_case("conv3d", 3, rnd(1, 4, 4, 5, 6), 4, 3, (3, 3, 3), bias=False, padding=1, stride=(1, 2, 2))


def causal_case(name, x, cin, cout, k, dil_t, mode, spatial_pad=0):
    """Causal in time (axis 2): left pad (k_t-1)*dil_t frames, zeros or replicate."""
    x = put(name + ".x", x)
    fan = cin * math.prod(k)
    w = put(name + ".weight", rnd(cout, cin, *k, scale=fan ** -0.5))
    b = put(name + ".bias", rnd(cout, scale=0.1))
    pt = (k[0] - 1) * dil_t
    first = x[:, :, :1]
    pad = first.expand(*x.shape[:2], pt, *x.shape[3:]) if mode == "replicate" else torch.zeros_like(first).expand(*x.shape[:2], pt, *x.shape[3:])
    xp = torch.cat([pad, x], 2)
    if len(k) == 3:
        y = F.conv3d(xp, w, b, padding=(0, spatial_pad, spatial_pad), dilation=(dil_t, 1, 1))
    else:
        y = F.conv1d(xp, w, b, dilation=dil_t)
    put(name + ".y", y)


causal_case("causal3d", rnd(1, 3, 7, 4, 5), 3, 4, (3, 3, 3), 1, "replicate", 1)
causal_case("causal3d_zeros", rnd(1, 2, 6, 3, 3), 2, 3, (2, 3, 3), 2, "zeros", 1)
causal_case("causal1d", rnd(2, 3, 13), 3, 5, (5,), 2, "zeros")

x = put("convt1d.x", rnd(2, 6, 5))
w = put("convt1d.weight", rnd(6, 2, 4, scale=0.3))
b = put("convt1d.bias", rnd(4, scale=0.1))
put("convt1d.y", F.conv_transpose1d(x, w, b, stride=2, padding=1, output_padding=1, groups=2))

# ---------------------------------------------------------------- upsampling
x = put("upsample.x", rnd(1, 8, 2, 3, 2))
put("upsample.nearest", F.interpolate(x, scale_factor=(1, 2, 3), mode="nearest"))
x2 = x[:, :, 0]
put("upsample.x2", x2)
put("upsample.d2s2", F.pixel_shuffle(x2, 2))
# 3-d depth-to-space with factors (2, 2, 1): channels ordered (c, f0, f1, f2)
B, C, T, H, W = x.shape
y = x.view(B, C // 4, 2, 2, 1, T, H, W).permute(0, 1, 5, 2, 6, 3, 7, 4).reshape(B, C // 4, 2 * T, 2 * H, W)
put("upsample.d2s3", y)

path = sys.argv[1] if len(sys.argv) > 1 else "nn/testdata/layers.safetensors"
os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
stio.save(path, out, {"generator": "train/golden_nn.py", "torch": torch.__version__})
print(f"wrote {len(out)} tensors to {path} ({os.path.getsize(path)} bytes)")
