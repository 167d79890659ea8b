"""Reference PyTorch implementation of the Lockstep demo AV model.

Every module is written from the operations that Lockstep's Go packages nn/
and backend/ provide (see model/demo/SPEC.md): Linear, LayerNorm, RMS q/k
norm, GELU(tanh) feed-forward, interleaved 3-D RoPE with time-aligned audio
positions, Wan-style adaLN modulation, causal convolutions, DepthToSpace and
Snake. Module attribute names are the checkpoint's tensor names.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-6
SNAKE_EPS = 1e-9


def default_config(vocabulary):
    """The v1 demo configuration (SPEC.md) for a given vocabulary."""
    return {
        "model": "lockstep-demo-av", "version": 1,
        "fps": 12, "sample_rate": 16000,
        "vocabulary": list(vocabulary),
        "text": {"dim": 128, "layers": 2, "heads": 2, "ffn_dim": 512, "max_tokens": 32, "eps": EPS},
        "dit": {"dim": 192, "heads": 3, "layers": 4, "ffn_dim": 768, "freq_dim": 256,
                "patch": [1, 2, 2], "eps": EPS, "rope_theta": 10000.0,
                "audio_time_step": 0.12, "num_train_timesteps": 1000, "text_pool": True},
        "video_vae": {"z_channels": 32, "temporal_factor": 4, "spatial_factor": 8,
                      "channels": [32, 64, 128],
                      "latent_mean": [0.0] * 32, "latent_std": [1.0] * 32},
        "audio_vae": {"z_channels": 8, "hop": 640, "latent_rate": 25,
                      "enc_channels": [32, 64, 128], "enc_strides": [4, 5, 4],
                      "dec_channels": [128, 96, 64, 32], "dec_factors": [4, 5, 4], "phase_factor": 8,
                      "latent_mean": [0.0] * 8, "latent_std": [1.0] * 8},
        "sampling": {"steps": 24, "shift": 3.0, "cfg_video": 4.0, "cfg_audio": 4.0, "frames": 25},
    }


# ---------------------------------------------------------------- tokenizer

def words(caption):
    """scene.Words: split on spaces, commas and full stops (lower-cased)."""
    out, cur = [], []
    for ch in caption.lower():
        if ch in " ,.":
            if cur:
                out.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        out.append("".join(cur))
    return out


def tokenize(caption, vocabulary, max_tokens):
    """[<bos>] + word ids; an unknown word raises ValueError naming it."""
    index = {w: i for i, w in enumerate(vocabulary)}
    ids = [index["<bos>"]]
    for w in words(caption):
        if w not in index:
            raise ValueError("caption word %r is not in the model's vocabulary" % w)
        ids.append(index[w])
    if len(ids) > max_tokens:
        raise ValueError("caption has %d tokens, the model takes at most %d" % (len(ids), max_tokens))
    return ids


def pad_batch(id_lists):
    """Pad token id lists with <pad> (0); returns ids [B, L] and keep mask [B, L]."""
    L = max(len(x) for x in id_lists)
    ids = torch.zeros(len(id_lists), L, dtype=torch.long)
    keep = torch.zeros(len(id_lists), L, dtype=torch.bool)
    for i, x in enumerate(id_lists):
        ids[i, :len(x)] = torch.tensor(x)
        keep[i, :len(x)] = True
    return ids, keep


# ---------------------------------------------------------------- shared layers

def layer_norm(x):
    return F.layer_norm(x, x.shape[-1:], eps=EPS)


def rms_norm(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * w


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


class FFN(nn.Sequential):
    """nn.FeedForward: Linear ("0"), GELU tanh ("1"), Linear ("2")."""

    def __init__(self, dim, hidden):
        super().__init__(nn.Linear(dim, hidden), nn.GELU(approximate="tanh"), nn.Linear(hidden, dim))


class Attention(nn.Module):
    """nn.Attention: q, k, v, o linears, optional full RMS q/k norm, RoPE."""

    def __init__(self, dim, heads, qk_norm, kv_dim=None):
        super().__init__()
        kv_dim = kv_dim or dim
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(kv_dim, dim)
        self.v = nn.Linear(kv_dim, dim)
        self.o = nn.Linear(dim, dim)
        self.qk_norm = qk_norm
        if qk_norm:
            self.norm_q = nn.Module()
            self.norm_q.weight = nn.Parameter(torch.ones(dim))
            self.norm_k = nn.Module()
            self.norm_k.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x, kv, rope=None, key_keep=None):
        B, S, D = x.shape
        Sk = kv.shape[1]
        q, k, v = self.q(x), self.k(kv), self.v(kv)
        if self.qk_norm:
            q, k = rms_norm(q, self.norm_q.weight), rms_norm(k, self.norm_k.weight)
        H = self.heads
        q = q.view(B, S, H, D // H).transpose(1, 2)
        k = k.view(B, Sk, H, D // H).transpose(1, 2)
        v = v.view(B, Sk, H, D // H).transpose(1, 2)
        if rope is not None:
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        att = q @ k.transpose(-1, -2) / math.sqrt(D // H)
        if key_keep is not None:
            att = att.masked_fill(~key_keep[:, None, None, :], float("-inf"))
        o = att.softmax(-1) @ v
        return self.o(o.transpose(1, 2).reshape(B, S, D))


# ---------------------------------------------------------------- RoPE, timestep

def axis_dims_3d(d):
    hw = 2 * (d // 6)
    return [d - 2 * hw, hw, hw]


def rope_tables(pos, dims, theta):
    """cos, sin [S, D/2] (float32, computed in float64) for positions pos[axis][token]."""
    angs = []
    for p, d in zip(pos, dims):
        freq = theta ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
        angs.append(torch.as_tensor(p, dtype=torch.float64)[:, None] * freq[None, :])
    a = torch.cat(angs, dim=1)
    return a.cos().float(), a.sin().float()


def apply_rope(x, cos, sin):
    """Rotate interleaved pairs (2j, 2j+1) of x [..., S, D]."""
    xp = x.reshape(*x.shape[:-1], -1, 2)
    a, b = xp[..., 0], xp[..., 1]
    cos, sin = cos.to(x), sin.to(x)
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).reshape(x.shape)


def grid_positions(f, h, w, t0=0.0, dt=1.0):
    ff, hh, ww = torch.meshgrid(torch.arange(f), torch.arange(h), torch.arange(w), indexing="ij")
    return [(t0 + ff.reshape(-1).double() * dt), hh.reshape(-1).double(), ww.reshape(-1).double()]


def time_positions(n, t0, dt):
    return [t0 + torch.arange(n, dtype=torch.float64) * dt, torch.zeros(n, dtype=torch.float64),
            torch.zeros(n, dtype=torch.float64)]


def joint_rope(cfg, f, h, w, T):
    """RoPE tables of the joint sequence: video grid (patch units) then audio."""
    d = cfg["dit"]
    hd = d["dim"] // d["heads"]
    pv = grid_positions(f, h, w)
    pa = time_positions(T, 0.0, d["audio_time_step"])
    pos = [torch.cat([a, b]) for a, b in zip(pv, pa)]
    return rope_tables(pos, axis_dims_3d(hd), d["rope_theta"])


def sinusoidal(t, dim):
    """Wan's sinusoidal_embedding_1d: [cos | sin], freq_k = 10000^(-k/half); float64 result."""
    half = dim // 2
    freq = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64, device=t.device) / half)
    a = t.double()[:, None] * freq[None]
    return torch.cat([a.cos(), a.sin()], dim=1)


# ---------------------------------------------------------------- text encoder

class TextLayer(nn.Module):
    def __init__(self, dim, heads, ffn_dim):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=EPS)
        self.attn = Attention(dim, heads, qk_norm=False)
        self.norm2 = nn.LayerNorm(dim, eps=EPS)
        self.ffn = FFN(dim, ffn_dim)

    def forward(self, h, keep):
        x = self.norm1(h)
        h = h + self.attn(x, x, key_keep=keep)
        return h + self.ffn(self.norm2(h))


class TextEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        t = cfg["text"]
        self.token_embedding = nn.Embedding(len(cfg["vocabulary"]), t["dim"])
        self.position_embedding = nn.Parameter(torch.randn(t["max_tokens"], t["dim"]) * 0.02)
        self.layers = nn.ModuleList(TextLayer(t["dim"], t["heads"], t["ffn_dim"]) for _ in range(t["layers"]))
        self.norm = nn.LayerNorm(t["dim"], eps=EPS)
        nn.init.normal_(self.token_embedding.weight, std=0.02)

    def forward(self, ids, keep=None):
        h = self.token_embedding(ids) + self.position_embedding[: ids.shape[1]]
        for layer in self.layers:
            h = layer(h, keep)
        return self.norm(h)


# ---------------------------------------------------------------- AV-DiT

class ModalityParts(nn.Module):
    def __init__(self, dim, ffn_dim):
        super().__init__()
        self.modulation = nn.Parameter(torch.randn(1, 6, dim) / dim ** 0.5)
        self.ffn = FFN(dim, ffn_dim)


class Block(nn.Module):
    def __init__(self, dim, heads, ffn_dim):
        super().__init__()
        self.self_attn = Attention(dim, heads, qk_norm=True)
        self.cross_attn = Attention(dim, heads, qk_norm=True)
        self.norm3 = nn.LayerNorm(dim, eps=EPS)
        self.video = ModalityParts(dim, ffn_dim)
        self.audio = ModalityParts(dim, ffn_dim)

    def forward(self, xv, xa, e6v, e6a, ctx, rope, ctx_keep=None):
        mv = (self.video.modulation + e6v).chunk(6, dim=1)
        ma = (self.audio.modulation + e6a).chunk(6, dim=1)
        nv = xv.shape[1]
        h = torch.cat([layer_norm(xv) * (1 + mv[1]) + mv[0], layer_norm(xa) * (1 + ma[1]) + ma[0]], dim=1)
        y = self.self_attn(h, h, rope)
        xv = xv + y[:, :nv] * mv[2]
        xa = xa + y[:, nv:] * ma[2]
        x = torch.cat([xv, xa], dim=1)
        x = x + self.cross_attn(self.norm3(x), ctx, key_keep=ctx_keep)
        xv, xa = x[:, :nv], x[:, nv:]
        xv = xv + self.video.ffn(layer_norm(xv) * (1 + mv[4]) + mv[3]) * mv[5]
        xa = xa + self.audio.ffn(layer_norm(xa) * (1 + ma[4]) + ma[3]) * ma[5]
        return xv, xa


class Head(nn.Module):
    def __init__(self, dim, out):
        super().__init__()
        self.modulation = nn.Parameter(torch.randn(1, 2, dim) / dim ** 0.5)
        self.head = nn.Linear(dim, out)

    def forward(self, x, e):
        sh, sc = (self.modulation + e[:, None]).chunk(2, dim=1)
        return self.head(layer_norm(x) * (1 + sc) + sh)


class DiT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["dit"]
        D, cv, ca = d["dim"], cfg["video_vae"]["z_channels"], cfg["audio_vae"]["z_channels"]
        self.cfg = cfg
        self.patch = d["patch"]
        self.patch_embedding = nn.Conv3d(cv, D, kernel_size=self.patch, stride=self.patch)
        self.audio_embedding = nn.Linear(ca, D)
        self.text_embedding = nn.Sequential(nn.Linear(cfg["text"]["dim"], D), nn.GELU(approximate="tanh"),
                                            nn.Linear(D, D))
        self.time_embedding = nn.Sequential(nn.Linear(d["freq_dim"], D), nn.SiLU(), nn.Linear(D, D))
        self.time_projection = nn.Sequential(nn.SiLU(), nn.Linear(D, 6 * D))
        # Pooled caption in the adaLN condition (config "text_pool"): the mean of the
        # embedded caption tokens, projected and added to the time embedding, so
        # global attributes (colour, number of balls) reach every modulation, not
        # only the cross-attention. Zero-initialised: training starts from the
        # time-only condition.
        self.text_pool = nn.Linear(D, D) if d.get("text_pool", False) else None
        self.blocks = nn.ModuleList(Block(D, d["heads"], d["ffn_dim"]) for _ in range(d["layers"]))
        pt, ph, pw = self.patch
        self.head_video = Head(D, cv * pt * ph * pw)
        self.head_audio = Head(D, ca)
        # Zero-init the gates' source and the heads (DiT's adaLN-zero spirit).
        nn.init.zeros_(self.time_projection[1].weight)
        nn.init.zeros_(self.time_projection[1].bias)
        nn.init.zeros_(self.head_video.head.weight)
        nn.init.zeros_(self.head_audio.head.weight)
        if self.text_pool is not None:
            nn.init.zeros_(self.text_pool.weight)
            nn.init.zeros_(self.text_pool.bias)

    def pool(self, c, ctx_keep=None):
        """text_pool(mean of the embedded caption c [B, L, D] over its kept tokens) [B, D],
        or None without text_pool."""
        if self.text_pool is None:
            return None
        if ctx_keep is None:
            m = c.mean(1)
        else:
            k = ctx_keep[:, :, None].to(c.dtype)
            m = (c * k).sum(1) / k.sum(1)
        return self.text_pool(m)

    def time(self, sigma, pooled=None):
        """Time embedding e [B, D] (plus the pooled caption, if any) and the block
        conditions e6 [B, 6, D]."""
        w = self.time_embedding[0].weight
        t = sigma.double() * self.cfg["dit"]["num_train_timesteps"]
        e = self.time_embedding(sinusoidal(t, self.cfg["dit"]["freq_dim"]).to(w.dtype))
        if pooled is not None:
            e = e + pooled
        e6 = self.time_projection(e).view(e.shape[0], 6, -1)
        return e, e6

    def embed(self, zv, za):
        xv = self.patch_embedding(zv)
        grid = xv.shape[2:]
        xv = xv.flatten(2).transpose(1, 2)
        xa = self.audio_embedding(za.transpose(1, 2))
        return xv, xa, grid

    def forward(self, zv, za, ctx, sigma_v, sigma_a, ctx_keep=None, rope=None):
        """Velocity predictions (vv [B,Cv,f,h,w], va [B,Ca,T]) for normalised latents."""
        B, C, f, h, w = zv.shape
        xv, xa, (gf, gh, gw) = self.embed(zv, za)
        if rope is None:
            rope = joint_rope(self.cfg, gf, gh, gw, za.shape[2])
        c = self.text_embedding(ctx)
        pooled = self.pool(c, ctx_keep)
        ev, e6v = self.time(sigma_v, pooled)
        ea, e6a = self.time(sigma_a, pooled)
        for blk in self.blocks:
            xv, xa = blk(xv, xa, e6v, e6a, c, rope, ctx_keep)
        ov = self.head_video(xv, ev)
        oa = self.head_audio(xa, ea)
        pt, ph, pw = self.patch
        ov = ov.view(B, gf, gh, gw, pt, ph, pw, C).permute(0, 7, 1, 4, 2, 5, 3, 6).reshape(B, C, f, h, w)
        return ov, oa.transpose(1, 2)


# ---------------------------------------------------------------- conv helpers

def d2s(x, factors):
    """backend.DepthToSpace: [B, C·∏f, *S] -> [B, C, S0·f0, ...], channel order (c, f0, f1, ...)."""
    B, Cf = x.shape[:2]
    S = x.shape[2:]
    n = len(factors)
    C = Cf // math.prod(factors)
    x = x.reshape(B, C, *factors, *S)
    perm = [0, 1]
    for i in range(n):
        perm += [2 + n + i, 2 + i]
    x = x.permute(*perm)
    return x.reshape(B, C, *[s * f for s, f in zip(S, factors)])


def s2d(x, factors):
    """Inverse of d2s."""
    B, C = x.shape[:2]
    S = x.shape[2:]
    n = len(factors)
    shape = [B, C]
    for s, f in zip(S, factors):
        shape += [s // f, f]
    x = x.reshape(*shape)
    perm = [0, 1] + [3 + 2 * i for i in range(n)] + [2 + 2 * i for i in range(n)]
    x = x.permute(*perm)
    return x.reshape(B, C * math.prod(factors), *[s // f for s, f in zip(S, factors)])


class CausalConv3d(nn.Conv3d):
    """Time-causal Conv3d: (KT-1) zero frames on the left, spatial padding 1."""

    def __init__(self, cin, cout, k=3, stride=1):
        st = (stride, stride, stride) if isinstance(stride, int) else stride
        super().__init__(cin, cout, k, stride=st, padding=0)

    def forward(self, x):
        kt = self.kernel_size[0]
        x = F.pad(x, (1, 1, 1, 1, kt - 1, 0))
        return super().forward(x)


class CausalConv1d(nn.Conv1d):
    def __init__(self, cin, cout, k, stride=1, dilation=1):
        super().__init__(cin, cout, k, stride=stride, dilation=dilation)

    def forward(self, x):
        return super().forward(F.pad(x, ((self.kernel_size[0] - 1) * self.dilation[0], 0)))


class ChanRMS(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(c))

    def forward(self, x):
        g = self.gamma.view(1, -1, *([1] * (x.dim() - 2)))
        return x * torch.rsqrt(x.pow(2).mean(1, keepdim=True) + EPS) * g


class Snake(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.alpha = nn.Parameter(torch.ones(c))

    def forward(self, x):
        a = self.alpha.view(1, -1, 1)
        return x + torch.sin(a * x).pow(2) / (a + SNAKE_EPS)


# ---------------------------------------------------------------- video VAE

class ResBlock3d(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1, self.conv1 = ChanRMS(c), CausalConv3d(c, c)
        self.norm2, self.conv2 = ChanRMS(c), CausalConv3d(c, c)

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        return x + self.conv2(F.silu(self.norm2(h)))


class Up3d(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = CausalConv3d(cin, cout * 8)
        self.res = ResBlock3d(cout)

    def forward(self, x, first=True):
        x = d2s(self.conv(x), (2, 2, 2))
        if first:
            x = x[:, :, 1:]
        return self.res(x)


class Down3d(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.res = ResBlock3d(cin)
        self.conv = CausalConv3d(cin, cout, stride=2)

    def forward(self, x):
        return self.conv(self.res(x))


class VideoEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c, z = cfg["video_vae"]["channels"], cfg["video_vae"]["z_channels"]
        self.conv_in = CausalConv3d(12, c[0])
        self.down = nn.ModuleList([Down3d(c[0], c[1]), Down3d(c[1], c[2])])
        self.mid = ResBlock3d(c[2])
        self.norm_out = ChanRMS(c[2])
        self.conv_out = CausalConv3d(c[2], 2 * z)

    def forward(self, x):
        h = self.conv_in(s2d(x, (1, 2, 2)))
        for d in self.down:
            h = d(h)
        h = self.conv_out(F.silu(self.norm_out(self.mid(h))))
        return h.chunk(2, dim=1)


class VideoDecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c, z = cfg["video_vae"]["channels"], cfg["video_vae"]["z_channels"]
        self.conv_in = CausalConv3d(z, c[2])
        self.mid = ResBlock3d(c[2])
        self.up = nn.ModuleList([Up3d(c[2], c[1]), Up3d(c[1], c[0])])
        self.norm_out = ChanRMS(c[0])
        self.conv_out = CausalConv3d(c[0], 12)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for u in self.up:
            h = u(h)
        return d2s(self.conv_out(F.silu(self.norm_out(h))), (1, 2, 2))


class VideoVAE(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = VideoEncoder(cfg)
        self.decoder = VideoDecoder(cfg)


# ---------------------------------------------------------------- audio VAE

class ResBlock1d(nn.Module):
    def __init__(self, c, dil):
        super().__init__()
        self.snake1, self.conv1 = Snake(c), CausalConv1d(c, c, 7, dilation=dil)
        self.snake2, self.conv2 = Snake(c), CausalConv1d(c, c, 1)

    def forward(self, x):
        return x + self.conv2(self.snake2(self.conv1(self.snake1(x))))


class Down1d(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.res = ResBlock1d(cin, 1)
        self.snake = Snake(cin)
        self.conv = CausalConv1d(cin, cout, 2 * stride, stride=stride)

    def forward(self, x):
        return self.conv(self.snake(self.res(x)))


class Up1d(nn.Module):
    def __init__(self, cin, cout, factor):
        super().__init__()
        self.factor = factor
        self.snake = Snake(cin)
        self.conv = CausalConv1d(cin, cout * factor, 3)
        self.res = ResBlock1d(cout, 3)

    def forward(self, x):
        return self.res(d2s(self.conv(self.snake(x)), (self.factor,)))


class AudioEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        a = cfg["audio_vae"]
        c = a["enc_channels"] + [a["enc_channels"][-1]]
        self.phase = a["phase_factor"]
        self.conv_in = CausalConv1d(self.phase, c[0], 7)
        self.down = nn.ModuleList(Down1d(c[i], c[i + 1], s) for i, s in enumerate(a["enc_strides"]))
        self.mid = ResBlock1d(c[-1], 1)
        self.snake_out = Snake(c[-1])
        self.conv_out = CausalConv1d(c[-1], 2 * a["z_channels"], 3)

    def forward(self, wave):
        h = self.conv_in(s2d(wave, (self.phase,)))
        for d in self.down:
            h = d(h)
        return self.conv_out(self.snake_out(self.mid(h))).chunk(2, dim=1)


class AudioDecoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        a = cfg["audio_vae"]
        c = a["dec_channels"]
        self.phase = a["phase_factor"]
        self.conv_in = CausalConv1d(a["z_channels"], c[0], 3)
        self.mid = ResBlock1d(c[0], 1)
        self.up = nn.ModuleList(Up1d(c[i], c[i + 1], f) for i, f in enumerate(a["dec_factors"]))
        self.snake_out = Snake(c[-1])
        self.conv_out = CausalConv1d(c[-1], self.phase, 7)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for u in self.up:
            h = u(h)
        return d2s(self.conv_out(self.snake_out(h)), (self.phase,))


class AudioVAE(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = AudioEncoder(cfg)
        self.decoder = AudioDecoder(cfg)


# ---------------------------------------------------------------- whole model

class DemoModel(nn.Module):
    """The checkpoint's module tree: text., dit., video_vae., audio_vae."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.text = TextEncoder(cfg)
        self.dit = DiT(cfg)
        self.video_vae = VideoVAE(cfg)
        self.audio_vae = AudioVAE(cfg)

    def encode_text(self, captions):
        t = self.cfg["text"]
        ids, keep = pad_batch([tokenize(c, self.cfg["vocabulary"], t["max_tokens"]) for c in captions])
        return self.text(ids, keep), keep


def latent_shapes(cfg, frames, height, width):
    """(video latent shape [C, f, h, w], audio latent length T, audio samples N) for a clip."""
    if (frames - 1) % 4:
        raise ValueError("frames must be 1 + 4n, got %d" % frames)
    n = round(frames / cfg["fps"] * cfg["sample_rate"])
    T = -(-n // cfg["audio_vae"]["hop"])
    return [cfg["video_vae"]["z_channels"], 1 + (frames - 1) // 4, height // 8, width // 8], T, n


def count(module):
    return sum(p.numel() for p in module.parameters())
