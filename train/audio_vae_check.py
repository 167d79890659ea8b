"""Does an audio VAE carry the signal? Reconstructs training clips and prints SNR and envelope
correlation (docs/demo_model_diagnosis.md, "Audio VAE collapse").

  /usr/bin/python3 train/audio_vae_check.py WORK/audio_vae.pt WORK/config.json WORK/data [VAECHECK_DIR]

With VAECHECK_DIR (a directory written by train/vae_check.py, whose meta.jsonl names each
held-out clip's ground truth), it also reconstructs each of those clips' whole soundtrack and
writes NAME.orig.f32 and NAME.rec.f32 (float32 little-endian, 16 kHz, round(frames/12*16000)
samples) there, for `go run ./train/vaecheck DIR`, which scores A/V sync on them.

A collapsed VAE decodes the same quiet noise whatever its input: SNR ~0 dB, envelope
correlation ~0, latents that hardly differ between clips.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import demo_model as M  # noqa: E402


def main():
    ckpt, config, root = sys.argv[1:4]
    cfg = json.load(open(config))
    vae = M.AudioVAE(cfg)
    vae.load_state_dict(torch.load(ckpt, map_location="cpu", weights_only=False)["model"])
    vae.eval()
    clips = D.Clips(root)
    n = 50 * cfg["audio_vae"]["hop"]
    mus = []
    with torch.no_grad():
        for i in range(4):
            a = torch.from_numpy(np.array(clips.audio(i)[:n]))[None, None]
            mu, _ = vae.encoder(a)
            y = vae.decoder(mu)[..., :a.shape[-1]]
            rms, err = a.pow(2).mean().sqrt().item(), (y - a).pow(2).mean().sqrt().item()
            env_a = a[0, 0].reshape(-1, 160).abs().mean(1).numpy()
            env_y = y[0, 0].reshape(-1, 160).abs().mean(1).numpy()
            print("clip %d: rms %.4f, reconstruction rms %.4f, SNR %.1f dB, envelope correlation %.2f" % (
                i, rms, y.pow(2).mean().sqrt().item(), 20 * np.log10(rms / err), np.corrcoef(env_a, env_y)[0, 1]))
            mus.append(mu)
    print("latent std over time per channel (clip 0):", mus[0][0].std(1).numpy().round(3))
    print("mean |latent difference| clip 0 vs 1: %.4f" % (mus[0] - mus[1]).abs().mean().item())
    if len(sys.argv) > 4:
        write_held(vae, cfg, sys.argv[4])


@torch.no_grad()
def write_held(vae, cfg, out):
    """Reconstructs the soundtrack of every clip in OUT/meta.jsonl (see the module doc)."""
    sr, fps = cfg["sample_rate"], cfg["fps"]
    n = 0
    for line in open(os.path.join(out, "meta.jsonl")):
        m = json.loads(line)
        a = np.load(m["truth"][:-len(".json")] + ".audio.npy").astype(np.float32)
        want = round(m["frames"] / fps * sr)
        hop = cfg["audio_vae"]["hop"]
        a = np.pad(a[:want], (0, max(0, want - len(a))))
        x = np.pad(a, (0, -want % hop))  # the encoder takes whole latent steps
        y = vae.decoder(vae.encoder(torch.from_numpy(x)[None, None])[0])[0, 0, :want].numpy()
        a.astype("<f4").tofile(os.path.join(out, m["name"] + ".orig.f32"))
        y.astype("<f4").tofile(os.path.join(out, m["name"] + ".rec.f32"))
        n += 1
    print("wrote the original and reconstructed soundtracks of %d clips to %s" % (n, out))


if __name__ == "__main__":
    main()
