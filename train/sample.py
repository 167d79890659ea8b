"""Rectified-flow Euler sampler of the demo model (the PyTorch reference).

  /usr/bin/python3 train/sample.py MODEL.safetensors --caption "a small red ball falls on a grey floor" \
      --seed 1 --out /tmp/sample

writes OUT.frames.npy (uint8 [F,H,W,3]), OUT.wav (16-bit PCM), OUT.png (a
sheet of every frame) and OUT.latents.pt. See model/demo/SPEC.md for the
schedule and guidance conventions.
"""
import argparse
import os
import sys
import wave

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import demo_model as M  # noqa: E402


def sigmas(steps, shift):
    """s_i = shift·t/(1 + (shift-1)·t), t_i = 1 - i/steps, i = 0..steps (float64)."""
    t = 1 - torch.arange(steps + 1, dtype=torch.float64) / steps
    return shift * t / (1 + (shift - 1) * t)


def initial_noise(cfg, frames, height, width, seed):
    """Video noise [1, Cv, f, h, w] then audio noise [1, Ca, T] from one torch generator."""
    vshape, T, _ = M.latent_shapes(cfg, frames, height, width)
    g = torch.Generator().manual_seed(seed)
    nv = torch.randn(1, *vshape, generator=g)
    na = torch.randn(1, cfg["audio_vae"]["z_channels"], T, generator=g)
    return nv, na


@torch.no_grad()
def denoise(model, caption, nv, na, steps, shift, cfg_video, cfg_audio, trace=None):
    """Euler integration from s = 1 to 0; returns normalised latents (zv, za).
    trace, if a list, receives (sigma, xv, xa, vv, va) before every step."""
    cfg = model.cfg
    ctx, _ = model.encode_text([caption])
    null, _ = model.encode_text([""])
    p = cfg["dit"]["patch"]
    rope = M.joint_rope(cfg, nv.shape[2] // p[0], nv.shape[3] // p[1], nv.shape[4] // p[2], na.shape[2])
    xv, xa = nv.clone(), na.clone()
    sg = sigmas(steps, shift)
    for i in range(steps):
        s = torch.tensor([float(sg[i])], dtype=torch.float64)
        vv, va = model.dit(xv, xa, ctx, s, s, rope=rope)
        if cfg_video != 1 or cfg_audio != 1:
            uv, ua = model.dit(xv, xa, null, s, s, rope=rope)
            vv = uv + cfg_video * (vv - uv)
            va = ua + cfg_audio * (va - ua)
        if trace is not None:
            trace.append((float(sg[i]), xv.clone(), xa.clone(), vv.clone(), va.clone()))
        dt = float(sg[i + 1] - sg[i])
        xv = xv + dt * vv
        xa = xa + dt * va
    return xv, xa


@torch.no_grad()
def decode(model, zv, za, frames):
    """Frames float [1,3,F,H,W] in [-1,1] and wave [1,1,N] from normalised latents."""
    cfg = model.cfg
    v, a = cfg["video_vae"], cfg["audio_vae"]
    mv = torch.tensor(v["latent_mean"]).view(1, -1, 1, 1, 1)
    sv = torch.tensor(v["latent_std"]).view(1, -1, 1, 1, 1)
    ma = torch.tensor(a["latent_mean"]).view(1, -1, 1)
    sa = torch.tensor(a["latent_std"]).view(1, -1, 1)
    video = model.video_vae.decoder(zv * sv + mv)
    _, _, n = M.latent_shapes(cfg, frames, video.shape[3], video.shape[4])
    wavef = model.audio_vae.decoder(za * sa + ma)[..., :n]
    return video, wavef


def generate(model, caption, frames=None, height=64, width=64, seed=1, steps=None, shift=None,
             cfg_video=None, cfg_audio=None, trace=None):
    s = model.cfg["sampling"]
    frames = frames or s["frames"]
    nv, na = initial_noise(model.cfg, frames, height, width, seed)
    zv, za = denoise(model, caption, nv, na, steps or s["steps"], shift or s["shift"],
                     s["cfg_video"] if cfg_video is None else cfg_video,
                     s["cfg_audio"] if cfg_audio is None else cfg_audio, trace)
    video, wavef = decode(model, zv, za, frames)
    return nv, na, zv, za, video, wavef


def write_wav(path, wavef, rate=16000):
    pcm = (np.clip(wavef.reshape(-1).numpy(), -1, 1) * 32767).round().astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def write_sheet(path, frames_u8, columns=13):
    from PIL import Image
    F, H, W, _ = frames_u8.shape
    rows = -(-F // columns)
    sheet = np.zeros((rows * H, columns * W, 3), dtype=np.uint8)
    for i in range(F):
        r, c = divmod(i, columns)
        sheet[r * H:(r + 1) * H, c * W:(c + 1) * W] = frames_u8[i]
    Image.fromarray(sheet).save(path)


def main():
    import export
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("--caption", default="a small red ball falls on a grey floor")
    p.add_argument("--frames", type=int, default=0)
    p.add_argument("--height", type=int, default=64)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--shift", type=float, default=0)
    p.add_argument("--cfg-video", type=float, default=None)
    p.add_argument("--cfg-audio", type=float, default=None)
    p.add_argument("--out", default="/tmp/lockstep-sample")
    a = p.parse_args()
    torch.set_num_threads(2)
    model = export.load_model(a.model)
    _, _, zv, za, video, wavef = generate(model, a.caption, a.frames or None, a.height, a.width, a.seed,
                                         a.steps or None, a.shift or None, a.cfg_video, a.cfg_audio)
    fr = D.to_bytes(video[0])
    np.save(a.out + ".frames.npy", fr)
    write_wav(a.out + ".wav", wavef)
    write_sheet(a.out + ".png", fr)
    torch.save({"zv": zv, "za": za}, a.out + ".latents.pt")
    print("wrote %s.{frames.npy,wav,png,latents.pt}: %d frames %dx%d, %d samples" % (
        a.out, fr.shape[0], fr.shape[2], fr.shape[1], wavef.shape[-1]))


if __name__ == "__main__":
    main()
