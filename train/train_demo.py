"""Training recipe of the Lockstep demo AV model (see model/demo/SPEC.md).

Stages, each resumable from its checkpoint in the work directory:

  data       go run ./cmd/lockstep-data --out WORK/data --n CLIPS --seed SEED
  video_vae  causal video VAE on random 32x32 crops (L1 + MSE + frame-difference L1 + KL); shorter crops
             never show the VAE a window past the clip start (docs/demo_model_diagnosis.md)
  audio_vae  causal waveform VAE on random 1.28 s segments (waveform MSE + KL; STFT logged)
  latents    encode every 25-frame training window once (video + audio latents, captions)
  dit        text encoder + AV-DiT with rectified flow (velocity) on the cached latents, EMA
  export     fp16 safetensors with the config JSON in its metadata (train/export.py)

Example (CPU, the documented recipe):

  /usr/bin/python3 train/train_demo.py --work work/demo --out weights/demo/lockstep-demo.safetensors

Losses go to WORK/losses.csv (stage, step, seconds, loss terms).
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import demo_model as M  # noqa: E402

STAGES = ["data", "video_vae", "audio_vae", "latents", "dit", "export"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True, help="work directory (data, checkpoints, losses.csv)")
    p.add_argument("--out", default="", help="exported safetensors path (default WORK/demo.safetensors)")
    p.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of " + ",".join(STAGES))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--clips", type=int, default=800, help="number of generated clips")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--video-vae-steps", type=int, default=16000)
    p.add_argument("--audio-vae-steps", type=int, default=4000)
    p.add_argument("--dit-steps", type=int, default=5000)
    p.add_argument("--vae-batch", type=int, default=4)
    p.add_argument("--vae-short-frames", type=int, default=9, help="video VAE crop length before the last --vae-long-steps")
    p.add_argument("--vae-long-steps", type=int, default=2000, help="final video VAE steps on --vae-crop-frames crops")
    p.add_argument("--vae-focus", type=float, default=0.75, help="fraction of video VAE crops placed on a moving ball")
    p.add_argument("--vae-ball-weight", type=float, default=10.0, help="extra loss weight of moving-ball pixels")
    p.add_argument("--vae-motion-weight", type=float, default=1.0,
                   help="weight of the L1 loss on frame differences (against motion smear)")
    p.add_argument("--dit-patch", default="1,1,1", help="DiT patch (frames,height,width) of the recipe's config")
    p.add_argument("--vae-crop-frames", type=int, default=25,
                   help="frames per video VAE crop (25 = the sampled window; 9 collapses after frame 8)")
    p.add_argument("--dit-batch", type=int, default=8)
    p.add_argument("--lr-vae", type=float, default=1e-3)
    p.add_argument("--lr-dit", type=float, default=4e-4)
    p.add_argument("--ema", type=float, default=0.998)
    p.add_argument("--window-stride", type=int, default=12, help="frames between training windows")
    p.add_argument("--save-every", type=int, default=200)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--datagen", default="go run ./cmd/lockstep-data",
                   help="data generator command (run in the repository root)")
    p.add_argument("--config", default="", help="JSON file overriding default_config keys (larger GPU runs)")
    return p.parse_args(argv)


# ---------------------------------------------------------------- helpers

class Logger:
    def __init__(self, path):
        new = not os.path.exists(path)
        self.f = open(path, "a", newline="")
        self.w = csv.writer(self.f)
        if new:
            self.w.writerow(["stage", "step", "seconds", "loss", "a", "b", "c"])

    def log(self, stage, step, seconds, *vals):
        vals = list(vals) + [""] * (4 - len(vals))
        self.w.writerow([stage, step, "%.3f" % seconds] + [("%.6g" % v) if v != "" else "" for v in vals])
        self.f.flush()


def lr_at(step, total, base, warmup=100):
    if step < warmup:
        return base * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


def save_ckpt(path, **state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_config(args, vocabulary):
    path = os.path.join(args.work, "config.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    cfg = M.default_config(["<pad>", "<bos>"] + vocabulary)
    cfg["dit"]["patch"] = [int(v) for v in args.dit_patch.split(",")]
    if args.config:
        with open(args.config) as f:
            over = json.load(f)
        for k, v in over.items():
            if isinstance(v, dict):
                cfg[k].update(v)
            else:
                cfg[k] = v
    with open(path, "w") as f:
        json.dump(cfg, f, indent=1)
    return cfg


def save_config(args, cfg):
    with open(os.path.join(args.work, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)


def kl_term(mu, lv):
    return 0.5 * (mu.pow(2) + lv.exp() - 1 - lv).mean()


def stft_loss(pred, target):
    loss = 0.0
    for n in (256, 512, 1024):
        win = torch.hann_window(n, device=pred.device)
        sp = torch.stft(pred.squeeze(1), n, n // 4, window=win, return_complex=True).abs()
        st = torch.stft(target.squeeze(1), n, n // 4, window=win, return_complex=True).abs()
        loss = loss + (torch.log(sp + 1e-5) - torch.log(st + 1e-5)).abs().mean()
        loss = loss + (sp - st).norm() / (st.norm() + 1e-7)
    return loss / 3


def seed_init(args, name):
    """Seeds the initial weights of stage name from the run's seed alone, so that a run resumed at
    a stage boundary (a new process) initialises the next stage exactly as an uninterrupted run."""
    torch.manual_seed(args.seed * 1000 + 100 + STAGES.index(name))


def run_loop(args, name, model, params, steps, lr, batch_fn, loss_fn, log, ema=None, on_resume=None):
    """Generic resumable training loop; batch_fn(rng) -> batch, loss_fn(batch) -> (loss, terms);
    on_resume(step) is told the step a resumed run starts at."""
    ck = os.path.join(args.work, name + ".pt")
    opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.99), weight_decay=0.0)
    rng = np.random.default_rng([args.seed, STAGES.index(name)])
    torch.manual_seed(args.seed * 1000 + STAGES.index(name))
    step = 0
    if os.path.exists(ck):
        st = torch.load(ck, map_location=args.device, weights_only=False)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step = st["step"]
        rng.bit_generator.state = st["rng"]
        torch.set_rng_state(st["torch_rng"].cpu())
        if ema is not None:
            ema.load_state_dict(st["ema"])
        print("%s: resumed at step %d" % (name, step), flush=True)
        if on_resume is not None:
            on_resume(step)
    if step >= steps:
        return

    def save():
        extra = {"ema": ema.state_dict()} if ema is not None else {}
        save_ckpt(ck, model=model.state_dict(), opt=opt.state_dict(), step=step,
                  rng=rng.bit_generator.state, torch_rng=torch.get_rng_state(), **extra)

    model.train()
    t0 = time.time()
    first = step
    while step < steps:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, lr)
        batch = batch_fn(rng)
        loss, terms = loss_fn(batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if ema is not None:
            ema.update(model)
        step += 1
        el = time.time() - t0
        if step % args.log_every == 0 or step == steps:
            log.log(name, step, el, loss.item(), *terms)
            print("%s step %d/%d loss %.4f %s  %.2f s/step" % (
                name, step, steps, loss.item(), " ".join("%.4f" % t for t in terms), el / (step - first)), flush=True)
        if step % args.save_every == 0 or step == steps:
            save()


class EMA:
    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model):
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(self.decay).add_(v.detach(), alpha=1 - self.decay)

    def state_dict(self):
        return self.shadow

    def load_state_dict(self, sd):
        self.shadow = {k: v.clone() for k, v in sd.items()}


# ---------------------------------------------------------------- stages

def stage_data(args):
    out = os.path.join(args.work, "data")
    if os.path.exists(os.path.join(out, "manifest.jsonl")):
        with open(os.path.join(out, "manifest.jsonl")) as f:
            if sum(1 for _ in f) == args.clips:
                print("data: present", flush=True)
                return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmd = args.datagen.split() + ["--out", out, "--n", str(args.clips), "--seed", str(args.seed),
           "--preview"]
    print("data:", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=root, check=True)


def stage_video_vae(args, cfg, clips, log):
    seed_init(args, "video_vae")
    vae = M.VideoVAE(cfg).to(args.device)
    steps = args.video_vae_steps
    state = {"step": 0}

    def batch(rng):
        # Short crops are ~3x cheaper per step; the last --vae-long-steps use the
        # sampled window length so the causal VAE sees windows past a clip's start.
        long = state["step"] >= steps - args.vae_long_steps
        frames = args.vae_crop_frames if long else args.vae_short_frames
        state["step"] += 1
        x, m = D.video_crops(clips, rng, args.vae_batch, frames, 32, focus=args.vae_focus)
        return x.to(args.device), m.to(args.device)

    def loss(b):
        x, m = b
        mu, lv = vae.encoder(x)
        z = mu + torch.randn_like(mu) * (0.5 * lv).exp()
        y = vae.decoder(z)
        w = 1 + args.vae_ball_weight * m
        rec = (w * (y - x).abs()).mean()
        mse = (w * (y - x).pow(2)).mean()
        kl = kl_term(mu, lv)
        loss = rec + mse + 1e-4 * kl
        if args.vae_motion_weight > 0:
            # Frame differences: a ball smeared over its path has the right mean colour
            # but the wrong motion, which this term sees directly.
            dy, dx = y[:, :, 1:] - y[:, :, :-1], x[:, :, 1:] - x[:, :, :-1]
            loss = loss + args.vae_motion_weight * (w[:, :, 1:] * (dy - dx).abs()).mean()
        return loss, [rec.item(), mse.item(), kl.item()]

    run_loop(args, "video_vae", vae, list(vae.parameters()), steps, args.lr_vae, batch, loss, log,
             on_resume=lambda step: state.update(step=step))
    return vae


def stage_audio_vae(args, cfg, clips, log):
    seed_init(args, "audio_vae")
    vae = M.AudioVAE(cfg).to(args.device)

    def batch(rng):
        return D.audio_crops(clips, rng, args.vae_batch * 2, 640 * 32).to(args.device)

    def loss(x):
        mu, lv = vae.encoder(x)
        z = mu + torch.randn_like(mu) * (0.5 * lv).exp()
        y = vae.decoder(z)
        # Waveform MSE only: a multi-resolution STFT term (log-magnitude with a 1e-5 floor)
        # collapses this VAE to a constant quiet noise floor (docs/demo_model_diagnosis.md,
        # "Audio VAE collapse"). The STFT distance is still logged, measured without gradient.
        mse = (y - x).pow(2).mean()
        kl = kl_term(mu, lv)
        with torch.no_grad():
            sl = stft_loss(y, x)
        return 1000 * mse + 1e-4 * kl, [sl.item(), mse.item(), kl.item()]

    run_loop(args, "audio_vae", vae, list(vae.parameters()), args.audio_vae_steps, args.lr_vae, batch, loss, log)
    return vae


def load_stage_model(args, name, module):
    st = torch.load(os.path.join(args.work, name + ".pt"), map_location=args.device, weights_only=False)
    module.load_state_dict(st["model"])
    module.eval()
    return module


@torch.no_grad()
def stage_latents(args, cfg, clips):
    path = os.path.join(args.work, "latents.pt")
    stamp = [torch.load(os.path.join(args.work, n + ".pt"), map_location="cpu", weights_only=False)["step"]
             for n in ("video_vae", "audio_vae")]
    if os.path.exists(path):
        if torch.load(path, weights_only=False).get("_vae_steps") == stamp:
            print("latents: present", flush=True)
            return
        print("latents: VAE checkpoints changed, encoding again", flush=True)
    frames = cfg["sampling"]["frames"]
    vv = load_stage_model(args, "video_vae", M.VideoVAE(cfg).to(args.device))
    av = load_stage_model(args, "audio_vae", M.AudioVAE(cfg).to(args.device))
    _, T, _ = M.latent_shapes(cfg, frames, 64, 64)
    hop = cfg["audio_vae"]["hop"]
    vocab, maxt = cfg["vocabulary"], cfg["text"]["max_tokens"]
    buckets = {}
    t0 = time.time()
    wins = D.windows(clips, frames, args.window_stride)
    for n, (i, s) in enumerate(wins):
        x = D.to_video(clips.frames(i)[s:s + frames])[None].to(args.device)
        mv, _ = vv.encoder(x)
        a = D.window_audio(clips, i, s, T * hop)[None].to(args.device)
        ma, _ = av.encoder(a)
        key = tuple(x.shape[-2:])
        b = buckets.setdefault(key, {"zv": [], "za": [], "ids": [], "clip": []})
        b["zv"].append(mv[0].cpu())
        b["za"].append(ma[0].cpu())
        b["ids"].append(M.tokenize(clips.caption(i), vocab, maxt))
        b["clip"].append(i)
        if n % 200 == 0:
            print("latents: %d/%d windows, %.1f s" % (n, len(wins), time.time() - t0), flush=True)
    for b in buckets.values():
        b["zv"] = torch.stack(b["zv"])
        b["za"] = torch.stack(b["za"])
    allv = torch.cat([b["zv"].transpose(0, 1).reshape(b["zv"].shape[1], -1) for b in buckets.values()], 1)
    alla = torch.cat([b["za"].transpose(0, 1).reshape(b["za"].shape[1], -1) for b in buckets.values()], 1)
    cfg["video_vae"]["latent_mean"] = allv.mean(1).tolist()
    cfg["video_vae"]["latent_std"] = allv.std(1).clamp_min(1e-3).tolist()
    cfg["audio_vae"]["latent_mean"] = alla.mean(1).tolist()
    cfg["audio_vae"]["latent_std"] = alla.std(1).clamp_min(1e-3).tolist()
    save_config(args, cfg)
    buckets["_vae_steps"] = stamp
    torch.save(buckets, path)
    print("latents: %d windows in %.1f s, buckets %s" % (
        len(wins), time.time() - t0, {k: len(v["ids"]) for k, v in buckets.items() if k != "_vae_steps"}), flush=True)


class TextDiT(torch.nn.Module):
    """What the DiT stage trains: text encoder + DiT (prefixes text., dit.)."""

    def __init__(self, cfg):
        super().__init__()
        self.text = M.TextEncoder(cfg)
        self.dit = M.DiT(cfg)


def norm_stats(cfg, device):
    v, a = cfg["video_vae"], cfg["audio_vae"]
    return (torch.tensor(v["latent_mean"], device=device).view(1, -1, 1, 1, 1),
            torch.tensor(v["latent_std"], device=device).view(1, -1, 1, 1, 1),
            torch.tensor(a["latent_mean"], device=device).view(1, -1, 1),
            torch.tensor(a["latent_std"], device=device).view(1, -1, 1))


def stage_dit(args, cfg, log):
    buckets = torch.load(os.path.join(args.work, "latents.pt"), weights_only=False)
    buckets.pop("_vae_steps", None)
    keys = sorted(buckets)
    sizes = np.array([len(buckets[k]["ids"]) for k in keys], dtype=np.float64)
    mv, sv, ma, sa = norm_stats(cfg, "cpu")
    for k in keys:
        buckets[k]["zv"] = (buckets[k]["zv"] - mv) / sv
        buckets[k]["za"] = (buckets[k]["za"] - ma) / sa
    seed_init(args, "dit")
    model = TextDiT(cfg).to(args.device)
    ema = EMA(model, args.ema)
    ropes = {}
    bos = cfg["vocabulary"].index("<bos>")

    def batch(rng):
        k = keys[int(rng.choice(len(keys), p=sizes / sizes.sum()))]
        b = buckets[k]
        idx = rng.integers(len(b["ids"]), size=args.dit_batch)
        ids = [b["ids"][i] if rng.random() >= 0.1 else [bos] for i in idx]
        tok, keep = M.pad_batch(ids)
        u = torch.from_numpy(rng.standard_normal((2, args.dit_batch))).float()
        s = torch.sigmoid(u)
        same = torch.from_numpy(rng.random(args.dit_batch) < 0.8)
        s[1] = torch.where(same, s[0], s[1])
        return (b["zv"][idx].to(args.device), b["za"][idx].to(args.device), tok.to(args.device),
                keep.to(args.device), s[0].to(args.device), s[1].to(args.device))

    def loss(bt):
        zv, za, tok, keep, sv_, sa_ = bt
        ev, ea = torch.randn_like(zv), torch.randn_like(za)
        xv = (1 - sv_.view(-1, 1, 1, 1, 1)) * zv + sv_.view(-1, 1, 1, 1, 1) * ev
        xa = (1 - sa_.view(-1, 1, 1)) * za + sa_.view(-1, 1, 1) * ea
        key = (zv.shape[2:], za.shape[2])
        if key not in ropes:
            p = cfg["dit"]["patch"]
            ropes[key] = tuple(t.to(args.device) for t in M.joint_rope(
                cfg, zv.shape[2] // p[0], zv.shape[3] // p[1], zv.shape[4] // p[2], za.shape[2]))
        ctx = model.text(tok, keep)
        pv, pa = model.dit(xv, xa, ctx, sv_, sa_, keep, ropes[key])
        lv = (pv - (ev - zv)).pow(2).mean()
        la = (pa - (ea - za)).pow(2).mean()
        return lv + la, [lv.item(), la.item()]

    run_loop(args, "dit", model, list(model.parameters()), args.dit_steps, args.lr_dit, batch, loss, log, ema=ema)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.work, exist_ok=True)
    stages = [s for s in args.stages.split(",") if s]
    for s in stages:
        if s not in STAGES:
            raise SystemExit("unknown stage %r (have %s)" % (s, ",".join(STAGES)))
    log = Logger(os.path.join(args.work, "losses.csv"))
    times = {}
    for s in STAGES:
        if s not in stages:
            continue
        t0 = time.time()
        if s == "data":
            stage_data(args)
        else:
            clips = D.Clips(os.path.join(args.work, "data"))
            cfg = load_config(args, clips.words)
            if s == "video_vae":
                stage_video_vae(args, cfg, clips, log)
            elif s == "audio_vae":
                stage_audio_vae(args, cfg, clips, log)
            elif s == "latents":
                stage_latents(args, cfg, clips)
            elif s == "dit":
                stage_dit(args, cfg, log)
            elif s == "export":
                import export
                out = args.out or os.path.join(args.work, "demo.safetensors")
                export.export_from_work(args.work, out)
        times[s] = time.time() - t0
        print("stage %s done in %.1f s" % (s, times[s]), flush=True)
    with open(os.path.join(args.work, "times.json"), "a") as f:
        f.write(json.dumps(times) + "\n")


if __name__ == "__main__":
    main()
