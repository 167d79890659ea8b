"""Loading the synthetic clips written by `go run ./cmd/lockstep-data`.

A data directory holds manifest.jsonl (one JSON object per clip: index,
caption, width, height, frames, samples, frames_file, audio_file, truth_file),
vocabulary.txt (the caption words) and per clip frames .npy (uint8
[F, H, W, 3]) and audio .npy (float32 [N], 16 kHz mono).
"""
import json
import os

import numpy as np
import torch


class Clips:
    """The clips of one data directory, memory-mapped."""

    def __init__(self, root):
        self.root = root
        with open(os.path.join(root, "manifest.jsonl")) as f:
            self.items = [json.loads(line) for line in f if line.strip()]
        with open(os.path.join(root, "vocabulary.txt")) as f:
            self.words = [w.strip() for w in f if w.strip()]
        self._frames, self._audio = {}, {}

    def __len__(self):
        return len(self.items)

    def frames(self, i):
        """uint8 [F, H, W, 3] (memory-mapped)."""
        if i not in self._frames:
            self._frames[i] = np.load(os.path.join(self.root, self.items[i]["frames_file"]), mmap_mode="r")
        return self._frames[i]

    def audio(self, i):
        """float32 [N] (memory-mapped)."""
        if i not in self._audio:
            self._audio[i] = np.load(os.path.join(self.root, self.items[i]["audio_file"]), mmap_mode="r")
        return self._audio[i]

    def caption(self, i):
        return self.items[i]["caption"]


def to_video(frames):
    """uint8 [F, H, W, 3] -> float [3, F, H, W] in [-1, 1]."""
    x = torch.from_numpy(np.array(frames)).float()
    return x.permute(3, 0, 1, 2) / 127.5 - 1.0


def to_bytes(video):
    """float [3, F, H, W] in [-1, 1] -> uint8 [F, H, W, 3]."""
    return ((video.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(1, 2, 3, 0).numpy()


def background(clips, i):
    """uint8 [H, W, 3]: clip i's static background, the per-pixel temporal median (cached)."""
    cache = clips.__dict__.setdefault("_background", {})
    if i not in cache:
        cache[i] = np.median(np.asarray(clips.frames(i)), axis=0).astype(np.uint8)
    return cache[i]


def moving_mask(frames, bg, threshold=0.15):
    """float [1, F, H, W]: 1 where a frame differs from the background by more than
    threshold (in [-1, 1] units) in any channel, i.e. the moving balls."""
    d = np.abs(np.asarray(frames, dtype=np.int16) - bg.astype(np.int16)).max(axis=-1)
    return torch.from_numpy((d > threshold * 127.5).astype(np.float32))[None]


def video_crops(clips, rng, batch, frames, size, focus=0.0):
    """A batch of random crops: video [B, 3, frames, size, size] and the moving-ball mask
    [B, 1, frames, size, size], drawn from the clips that have at least `frames` frames.
    Spatial offsets are multiples of 8. With probability `focus` a crop is placed so
    that it contains a randomly chosen moving-ball pixel of its window (if it has one):
    balls cover a few percent of the pixels, and crops without them teach nothing
    about balls."""
    long = [i for i in range(len(clips)) if clips.items[i]["frames"] >= frames]
    if not long:
        raise ValueError(f"no clip has {frames} frames for a video crop")
    vids, masks = [], []
    for _ in range(batch):
        i = long[int(rng.integers(len(long)))]
        fr = clips.frames(i)
        F, H, W, _ = fr.shape
        s = int(rng.integers(F - frames + 1))
        win = fr[s:s + frames]
        m = moving_mask(win, background(clips, i))
        y = 8 * int(rng.integers((H - size) // 8 + 1))
        x = 8 * int(rng.integers((W - size) // 8 + 1))
        if rng.random() < focus:
            pts = torch.nonzero(m[0].amax(0))
            if len(pts):
                py, px = (int(v) for v in pts[int(rng.integers(len(pts)))])
                y = min(max(0, py - int(rng.integers(size))), H - size) // 8 * 8
                x = min(max(0, px - int(rng.integers(size))), W - size) // 8 * 8
        vids.append(to_video(win[:, y:y + size, x:x + size]))
        masks.append(m[:, :, y:y + size, x:x + size])
    return torch.stack(vids), torch.stack(masks)


def audio_crops(clips, rng, batch, samples):
    """A batch [B, 1, samples] of random waveform segments."""
    out = []
    for _ in range(batch):
        i = int(rng.integers(len(clips)))
        a = clips.audio(i)
        s = int(rng.integers(len(a) - samples + 1))
        out.append(torch.from_numpy(np.array(a[s:s + samples])))
    return torch.stack(out)[:, None]


def windows(clips, frames, stride_frames):
    """(clip, start frame) of every training window of `frames` frames."""
    out = []
    for i, it in enumerate(clips.items):
        for s in range(0, it["frames"] - frames + 1, stride_frames):
            out.append((i, s))
    return out


def window_audio(clips, i, start_frame, samples, fps=12, rate=16000):
    """float [1, samples] of clip i from the instant of start_frame (zero-padded at the end)."""
    a = clips.audio(i)
    s = round(start_frame / fps * rate)
    seg = np.zeros(samples, dtype=np.float32)
    part = np.array(a[s:s + samples])
    seg[:len(part)] = part
    return torch.from_numpy(seg)[None]
