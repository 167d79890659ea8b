"""Golden fixtures of the demo model for the Go tests (model/demo, vae/).

  /usr/bin/python3 train/golden_demo.py --checkpoint weights/demo/lockstep-demo.safetensors \
      model/demo/testdata/golden_checkpoint.safetensors
  /usr/bin/python3 train/golden_demo.py --tiny-random model/demo/testdata/golden_tiny.safetensors

With --checkpoint the fixtures use that file's (fp16) weights, and the
metadata records its sha256; with --tiny-random a seeded, randomly initialised
model with a tiny config is used and its weights are embedded under the
prefix "weights." (fp16, like a real checkpoint), so the Go test needs no
other file. Every reference is computed in float64 from the fp16 weights and
stored as F32. Metadata: "config" (the model config JSON) and "golden" (JSON:
caption, seed, shapes, steps, guidance, ...).

Tensors (all batch 1):
  text.ids [L] (float), text.out [1, L, Dt]          text encoder
  text_null.ids, text_null.out                        the null caption [<bos>]
  block.{xv, xa, e6v, e6a, ctx, rope_cos, rope_sin} -> block.{out_v, out_a}   DiT block 0
  dit.{zv, za, ctx, sigma_v, sigma_a} -> dit.{vv, va}; dit.{e_v, e6_v, e_a, e6_a, rope_cos, rope_sin}
      (e_*: time embedding plus the pooled caption when the config has text_pool)
  vdec.z -> vdec.out; vdec.chunk{k} (frames of latent frame k when decoding one latent frame at a time)
  venc.x -> venc.mu, venc.logvar
  adec.z -> adec.out; adec.chunk{k} (samples of latent token k, 640 each)
  aenc.x -> aenc.mu, aenc.logvar
  sample.{noise_v, noise_a, sigmas}; sample.step{i}.{xv, xa, vv, va} (i < 3, the guided velocity);
  sample.{zv, za} (final normalised latents), sample.frames [1,3,F,H,W] in [-1,1], sample.wave [1,1,N]
"""
import argparse
import copy
import hashlib
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_model as M  # noqa: E402
import export  # noqa: E402
import sample as S  # noqa: E402
import stio  # noqa: E402

CAPTION = "two small red balls bounce on a grey floor"


def tiny_config():
    words = ("a against and are at ball balls blue bounce bounces dark dropped fall falls floor green grey in is "
             "large medium off on orange purple red room sky small sunset the three thrown two under wall white "
             "yellow").split()
    cfg = M.default_config(["<pad>", "<bos>"] + words)
    cfg["text"].update(dim=32, heads=2, ffn_dim=64)
    cfg["dit"].update(dim=64, heads=2, layers=2, ffn_dim=128, freq_dim=32)
    cfg["video_vae"].update(z_channels=16, channels=[8, 16, 16])
    cfg["audio_vae"].update(enc_channels=[8, 16, 16], dec_channels=[16, 16, 8, 8])
    g = torch.Generator().manual_seed(7)
    cfg["video_vae"]["latent_mean"] = (torch.randn(16, generator=g) * 0.1).tolist()
    cfg["video_vae"]["latent_std"] = (1 + torch.rand(16, generator=g)).tolist()
    cfg["audio_vae"]["latent_mean"] = (torch.randn(8, generator=g) * 0.1).tolist()
    cfg["audio_vae"]["latent_std"] = (1 + torch.rand(8, generator=g)).tolist()
    cfg["sampling"].update(steps=4, shift=3.0, cfg_video=3.0, cfg_audio=2.0)
    return cfg


def tiny_model(cfg):
    torch.manual_seed(3)
    m = M.DemoModel(cfg)
    # Randomise what training would have moved away from its initialisation
    # (zeroed heads and projections, unit norm/snake scales) so every term matters.
    with torch.no_grad():
        for name, p in m.named_parameters():
            if name.endswith(("gamma", "alpha")) or "norm" in name:
                p.copy_(1 + 0.2 * torch.rand_like(p))
            elif name.endswith("time_projection.1.weight") or ".head." in name or ".text_pool." in name:
                p.normal_(0, 0.05)
            elif name.endswith("bias"):
                p.normal_(0, 0.02)
    # Round to fp16 like a shipped checkpoint.
    m.load_state_dict({k: v.half().float() for k, v in m.state_dict().items()})
    return m


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


@torch.no_grad()
def fixtures(model):
    cfg = model.cfg
    m = copy.deepcopy(model).double()
    out = {}
    g = torch.Generator().manual_seed(11)

    def rnd(*shape, scale=1.0):
        return (torch.randn(*shape, generator=g) * scale).double()

    # Text encoder.
    ids = M.tokenize(CAPTION, cfg["vocabulary"], cfg["text"]["max_tokens"])
    t = torch.tensor([ids])
    ctx = m.text(t)
    out["text.ids"], out["text.out"] = torch.tensor(ids, dtype=torch.float32), ctx
    nid = M.tokenize("", cfg["vocabulary"], cfg["text"]["max_tokens"])
    out["text_null.ids"], out["text_null.out"] = torch.tensor(nid, dtype=torch.float32), m.text(torch.tensor([nid]))

    # DiT block 0 and the whole DiT on a latent of 2x4x6 (video) and 7 audio tokens.
    dit = m.dit
    D = cfg["dit"]["dim"]
    cv, ca = cfg["video_vae"]["z_channels"], cfg["audio_vae"]["z_channels"]
    zv, za = rnd(1, cv, 2, 4, 6), rnd(1, ca, 7)
    sv, sa = torch.tensor([0.7], dtype=torch.float64), torch.tensor([0.4], dtype=torch.float64)
    cos, sin = M.joint_rope(cfg, 2, 2, 3, 7)
    out["dit.zv"], out["dit.za"], out["dit.ctx"] = zv, za, ctx
    out["dit.sigma_v"], out["dit.sigma_a"] = sv, sa
    out["dit.rope_cos"], out["dit.rope_sin"] = cos, sin
    out["dit.vv"], out["dit.va"] = dit(zv, za, ctx, sv, sa)
    pooled = dit.pool(dit.text_embedding(ctx))
    ev, e6v = dit.time(sv, pooled)
    ea, e6a = dit.time(sa, pooled)
    out["dit.e_v"], out["dit.e6_v"], out["dit.e_a"], out["dit.e6_a"] = ev, e6v, ea, e6a
    xv, xa = rnd(1, 12, D), rnd(1, 7, D)
    c = rnd(1, ctx.shape[1], D)
    b6v, b6a = rnd(1, 6, D, scale=0.3), rnd(1, 6, D, scale=0.3)
    out.update({"block.xv": xv, "block.xa": xa, "block.e6v": b6v, "block.e6a": b6a, "block.ctx": c,
                "block.rope_cos": cos, "block.rope_sin": sin})
    out["block.out_v"], out["block.out_a"] = dit.blocks[0](xv, xa, b6v, b6a, c, (cos, sin))

    # Video VAE: decoder whole and one latent frame at a time, encoder.
    vz = rnd(1, cv, 3, 2, 2)
    vd = m.video_vae.decoder(vz)
    out["vdec.z"], out["vdec.out"] = vz, vd
    prev = 0
    for k in range(vz.shape[2]):
        part = m.video_vae.decoder(vz[:, :, :k + 1])
        assert (part - vd[:, :, :part.shape[2]]).abs().max() < 1e-9, "video decoder is not causal"
        out["vdec.chunk%d" % k] = part[:, :, prev:]
        prev = part.shape[2]
    vx = rnd(1, 3, 5, 16, 16, scale=0.5).clamp(-1, 1)
    out["venc.x"] = vx
    out["venc.mu"], out["venc.logvar"] = m.video_vae.encoder(vx)

    # Audio VAE.
    az = rnd(1, ca, 4)
    ad = m.audio_vae.decoder(az)
    out["adec.z"], out["adec.out"] = az, ad
    hop = cfg["audio_vae"]["hop"]
    for k in range(az.shape[2]):
        part = m.audio_vae.decoder(az[:, :, :k + 1])
        assert (part - ad[..., :part.shape[-1]]).abs().max() < 1e-9, "audio decoder is not causal"
        out["adec.chunk%d" % k] = part[..., k * hop:]
    ax = rnd(1, 1, 3 * hop, scale=0.2)
    out["aenc.x"] = ax
    out["aenc.mu"], out["aenc.logvar"] = m.audio_vae.encoder(ax)

    # One full sampling run: 5 frames of 32x32, guided.
    s = cfg["sampling"]
    frames, H, W, seed, steps = 5, 32, 32, 5, s["steps"]
    nv, na = S.initial_noise(cfg, frames, H, W, seed)
    trace = []
    fzv, fza = S.denoise(m, CAPTION, nv.double(), na.double(), steps, s["shift"], s["cfg_video"], s["cfg_audio"], trace)
    video, wave = S.decode(m, fzv, fza, frames)
    out["sample.noise_v"], out["sample.noise_a"] = nv, na
    out["sample.sigmas"] = S.sigmas(steps, s["shift"])
    for i, (_, x1, x2, v1, v2) in enumerate(trace[:3]):
        out["sample.step%d.xv" % i], out["sample.step%d.xa" % i] = x1, x2
        out["sample.step%d.vv" % i], out["sample.step%d.va" % i] = v1, v2
    out["sample.zv"], out["sample.za"] = fzv, fza
    out["sample.frames"], out["sample.wave"] = video, wave
    info = {"caption": CAPTION, "seed": seed, "frames": frames, "height": H, "width": W, "steps": steps,
            "shift": s["shift"], "cfg_video": s["cfg_video"], "cfg_audio": s["cfg_audio"],
            "dit_latent": [16, 2, 4, 6], "dit_audio_tokens": 7, "dit_sigma_v": 0.7, "dit_sigma_a": 0.4,
            "noise": "torch.Generator().manual_seed(seed): randn video [1,16,f,h,w] then audio [1,8,T]",
            "precision": "float64 reference from fp16 weights, stored as F32"}
    return {k: v.float().contiguous() for k, v in out.items()}, info


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--checkpoint", default="")
    p.add_argument("--tiny-random", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(2)
    if bool(a.checkpoint) == a.tiny_random:
        raise SystemExit("give exactly one of --checkpoint FILE or --tiny-random")
    if a.checkpoint:
        model = export.load_model(a.checkpoint)
        extra = {}
    else:
        model = tiny_model(tiny_config())
        extra = {"weights." + k: v.half() for k, v in model.state_dict().items()}
    tensors, info = fixtures(model)
    if a.checkpoint:
        info["checkpoint_sha256"] = sha256(a.checkpoint)
        info["checkpoint"] = os.path.basename(a.checkpoint)
    tensors.update(extra)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    stio.save(a.out, tensors, {"config": json.dumps(model.cfg, separators=(",", ":")),
                               "golden": json.dumps(info), "format": export.FORMAT})
    print("wrote %s: %d tensors, %.2f MB" % (a.out, len(tensors), os.path.getsize(a.out) / 1e6))


if __name__ == "__main__":
    main()
