"""Reconstruct held-out clips through a trained video VAE, for train/vaecheck.

  go run ./cmd/lockstep-data --out /tmp/held --n 24 --seed 777
  /usr/bin/python3 train/vae_check.py WORK/video_vae.pt /tmp/held /tmp/vaecheck
  go run ./train/vaecheck /tmp/vaecheck

Each clip (its first up to --frames frames, 1 + 4n) goes through the encoder
mean and the decoder, as the `latents` stage encodes. Writes OUT/<name>.orig.u8
and OUT/<name>.rec.u8 (raw uint8 [F, H, W, 3]) and OUT/meta.jsonl, and prints
the PSNR overall, by frame range and over the ground-truth ball discs. The
checkpoint is a stage checkpoint (WORK/video_vae.pt) or an exported model.
See docs/demo_model_diagnosis.md.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import demo_model as M  # noqa: E402

RANGES = [(0, 9), (9, 25), (25, 49)]


def load_vae(path, config=""):
    if path.endswith(".safetensors"):
        import export
        return export.load_model(path).video_vae
    st = torch.load(path, map_location="cpu", weights_only=False)
    cfg = M.default_config(["<pad>", "<bos>"])
    if config:
        with open(config) as f:
            cfg = json.load(f)
    vae = M.VideoVAE(cfg)
    vae.load_state_dict(st["model"])
    print("checkpoint step", st["step"])
    return vae.eval()


def psnr(se, n):
    return 10 * math.log10(255 ** 2 / max(se / max(n, 1), 1e-12))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("held", help="data directory written by lockstep-data")
    p.add_argument("out")
    p.add_argument("--frames", type=int, default=49, help="at most this many frames per clip")
    p.add_argument("--config", default="", help="the run's config.json (default: the default config)")
    a = p.parse_args()
    torch.set_num_threads(2)
    os.makedirs(a.out, exist_ok=True)
    vae = load_vae(a.checkpoint, a.config)
    clips = D.Clips(a.held)
    se_r, n_r = np.zeros(len(RANGES)), np.zeros(len(RANGES))
    tot = np.zeros(4)
    with open(os.path.join(a.out, "meta.jsonl"), "w") as meta, torch.no_grad():
        for i in range(len(clips)):
            fr = np.array(clips.frames(i))
            F = min(a.frames, 1 + 4 * ((fr.shape[0] - 1) // 4))
            fr = fr[:F]
            mu, _ = vae.encoder(D.to_video(fr)[None])
            rec = D.to_bytes(vae.decoder(mu)[0])
            name = "clip%03d" % i
            fr.tofile(os.path.join(a.out, name + ".orig.u8"))
            rec.tofile(os.path.join(a.out, name + ".rec.u8"))
            truth_path = os.path.join(os.path.abspath(a.held), clips.items[i]["truth_file"])
            with open(truth_path) as f:
                truth = json.load(f)
            H, W = fr.shape[1:3]
            yy, xx = np.mgrid[0:H, 0:W] + 0.5
            mask = np.zeros(fr.shape[:3], bool)
            for b in truth["balls"]:
                for t in range(F):
                    cx, cy = b["track"][t]
                    mask[t] |= (xx - cx) ** 2 + (yy - cy) ** 2 <= (b["radius"] + 1) ** 2
            d = (fr.astype(np.float64) - rec.astype(np.float64)) ** 2
            for k, (lo, hi) in enumerate(RANGES):
                se_r[k] += d[lo:hi].sum()
                n_r[k] += d[lo:hi].size
            tot += [d.sum(), d.size, d[mask].sum(), 3 * mask.sum()]
            print("%s %dx%d F=%d psnr %.2f ball %.2f dB  %s" % (
                name, W, H, F, psnr(d.sum(), d.size), psnr(d[mask].sum(), 3 * mask.sum()), clips.caption(i)), flush=True)
            meta.write(json.dumps({"name": name, "width": W, "height": H, "frames": F,
                                   "caption": clips.caption(i), "truth": truth_path}) + "\n")
    print("PSNR by frames " + ", ".join("%d-%d %.2f dB" % (lo, hi - 1, psnr(s, n))
                                        for (lo, hi), s, n in zip(RANGES, se_r, n_r) if n))
    print("PSNR all %.2f dB, ball discs %.2f dB" % (psnr(tot[0], tot[1]), psnr(tot[2], tot[3])))


if __name__ == "__main__":
    main()
