"""Rectified-flow Euler sampler of the demo model (the PyTorch reference).

  /usr/bin/python3 train/sample.py MODEL.safetensors --caption "a small red ball falls on a grey floor" \
      --seed 1 --out /tmp/sample

writes OUT.frames.npy (uint8 [F,H,W,3]), OUT.wav (16-bit PCM), OUT.png (a
sheet of every frame) and OUT.latents.pt. See model/demo/SPEC.md for the
schedule and guidance conventions.

  /usr/bin/python3 train/sample.py MODEL.safetensors --plan DIR/plan.json

samples every clip of an evaluation plan (written by `lockstep-evalset plan
--frame-dirs`; caption, noise seed, size and frame count per clip) into the
frame directories `lockstep eval` reads: DIR/clip_000/frame_00000.png, ...,
audio.wav and clip.json (the sidecar, with the fields of lockstep generate's
settings). `make eval-torch` runs it.
"""
import argparse
import hashlib
import json
import os
import shutil
import time
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


def file_hash(path):
    """"sha256:" + hex of the file's bytes, as lockstep generate's sidecar."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def write_frame_dir(path, frames_u8, wavef, sidecar, rate=16000):
    """The frame directory of lockstep generate: frame_%05d.png, audio.wav and
    clip.json, built as PATH.partial and renamed into place (replacing PATH)."""
    from PIL import Image
    tmp = path + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for i, fr in enumerate(frames_u8):
        Image.fromarray(fr).save(os.path.join(tmp, "frame_%05d.png" % i))
    write_wav(os.path.join(tmp, "audio.wav"), wavef, rate)
    with open(os.path.join(tmp, "clip.json"), "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")
    shutil.rmtree(path, ignore_errors=True)
    os.rename(tmp, path)


def sample_plan(model, model_path, plan_path, steps=None, shift=None, cfg_video=None, cfg_audio=None):
    """Samples every clip of plan_path into frame directories next to it."""
    with open(plan_path) as f:
        plan = json.load(f)
    if not plan.get("frame_dirs"):
        sys.exit("sample: %s lists AVI clips; write the plan with lockstep-evalset plan --frame-dirs" % plan_path)
    cfg = model.cfg
    s = cfg["sampling"]
    steps, shift = steps or s["steps"], shift or s["shift"]
    cv = s["cfg_video"] if cfg_video is None else cfg_video
    ca = s["cfg_audio"] if cfg_audio is None else cfg_audio
    fps, rate = cfg["fps"], cfg["sample_rate"]
    digest = file_hash(model_path)
    out = os.path.dirname(os.path.abspath(plan_path))
    t_all = time.time()
    for e in plan["clips"]:
        t0 = time.time()
        frames = e["frames"] or s["frames"]
        _, _, _, _, video, wavef = generate(model, e["caption"], frames, e["height"], e["width"], e["seed"],
                                            steps, shift, cv, ca)
        fr = D.to_bytes(video[0])
        n = wavef.shape[-1]
        sidecar = {
            "engine": "pytorch reference (train/sample.py, torch %s)" % torch.__version__,
            "settings": {
                "prompt": e["caption"], "seed": e["seed"], "steps": steps, "cfg_video": cv, "cfg_audio": ca,
                "shift": shift, "solver": "euler", "frames": int(fr.shape[0]), "width": int(fr.shape[2]),
                "height": int(fr.shape[1]), "fps": fps, "sample_rate": rate, "samples": int(n),
                "duration_s": fr.shape[0] / fps, "model": os.path.basename(model_path), "model_hash": digest,
            },
            "output": os.path.join(out, e["clip"]),
            "timings": {"total_s": time.time() - t0},
        }
        write_frame_dir(os.path.join(out, e["clip"]), fr, wavef, sidecar, rate)
        print("clip %d/%d %s %dx%d seed %d %r: %d frames, %d samples, %.1f s" % (
            e["index"] + 1, len(plan["clips"]), e["clip"], e["width"], e["height"], e["seed"], e["caption"],
            fr.shape[0], n, time.time() - t0), flush=True)
    print("sampled %d clips into %s in %.1f s" % (len(plan["clips"]), out, time.time() - t_all), flush=True)


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
    p.add_argument("--plan", help="plan.json of lockstep-evalset: sample its clips into frame directories")
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = export.load_model(a.model)
    if a.plan:
        sample_plan(model, a.model, a.plan, a.steps or None, a.shift or None, a.cfg_video, a.cfg_audio)
        return
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
