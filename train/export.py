"""Export the demo model to one fp16 safetensors file, and load it back.

The file holds every tensor of demo_model.DemoModel under its state_dict name
(prefixes text., dit., video_vae., audio_vae.) as F16, and in __metadata__:
"config" (the JSON config, vocabulary included) and "format"
("lockstep-demo-av/1").

  /usr/bin/python3 train/export.py WORK OUT.safetensors
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import demo_model as M  # noqa: E402
import stio  # noqa: E402

FORMAT = "lockstep-demo-av/1"


def state_from_work(work, use_ema=True):
    """(config, float32 state dict of DemoModel) from a training work directory."""
    with open(os.path.join(work, "config.json")) as f:
        cfg = json.load(f)
    sd = {}
    for name, prefix in (("video_vae", "video_vae."), ("audio_vae", "audio_vae.")):
        st = torch.load(os.path.join(work, name + ".pt"), map_location="cpu", weights_only=False)
        sd.update({prefix + k: v for k, v in st["model"].items()})
    st = torch.load(os.path.join(work, "dit.pt"), map_location="cpu", weights_only=False)
    sd.update(st["ema"] if use_ema and "ema" in st else st["model"])
    return cfg, sd


def save(path, cfg, sd, dtype=torch.float16):
    model = M.DemoModel(cfg)
    missing = set(model.state_dict()) ^ set(sd)
    if missing:
        raise ValueError("state dict does not match DemoModel: %s" % sorted(missing)[:10])
    tensors = {k: v.detach().float().to(dtype) for k, v in sd.items()}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    stio.save(path, tensors, {"config": json.dumps(cfg, separators=(",", ":")), "format": FORMAT})
    return sum(v.numel() for v in tensors.values())


def export_from_work(work, out):
    cfg, sd = state_from_work(work)
    n = save(out, cfg, sd)
    print("export: %d parameters, %.1f MB -> %s" % (n, os.path.getsize(out) / 1e6, out), flush=True)


_NP = {"F32": np.float32, "F16": np.float16}


def load(path):
    """(tensors {name: float32 torch tensor}, metadata {str: str}) of a safetensors file."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for k, h in header.items():
        a, b = h["data_offsets"]
        arr = np.frombuffer(blob[a:b], dtype=_NP[h["dtype"]]).reshape(h["shape"])
        out[k] = torch.from_numpy(arr.astype(np.float32))
    return out, meta


def load_model(path):
    """A float32 DemoModel (eval mode) from an exported file."""
    tensors, meta = load(path)
    cfg = json.loads(meta["config"])
    model = M.DemoModel(cfg)
    model.load_state_dict(tensors)
    model.eval()
    return model


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: export.py WORK OUT.safetensors")
    export_from_work(sys.argv[1], sys.argv[2])
