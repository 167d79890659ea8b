#!/usr/bin/python3
"""Lockstep vs PyTorch on the same work, in one invocation.

  /usr/bin/python3 bench/torch_compare.py [--threads 1,2] [--runs 5] [--only kernels,step,decode]
                                          [--md docs/bench/cpu_vs_torch_table.md]

Runs PyTorch (Debian's python3-torch 1.13) configured at its best on this
machine, then `lockstep bench kernels|step|decode --json` (built first with
`go build -o bin/lockstep ./cmd/lockstep`), and prints per line the time
ratio Lockstep/PyTorch (<= 1.0: Lockstep at least as fast).

PyTorch's configuration (the script re-execs itself with this environment):
  * OpenBLAS instead of the reference BLAS that Debian's libblas.so.3
    alternative may point to: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread
    (the script checks /proc/self/maps and refuses to run on the reference BLAS);
  * OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (this machine sets them to
    an older code path that halves sgemm);
  * OPENBLAS_THREAD_TIMEOUT=4 OMP_WAIT_POLICY=PASSIVE (no spinning threads
    fighting on 2 cores), MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1e12
    (freed buffers stay mapped, so no first-touch page faults per op);
  * torch.set_num_threads(threads) and openblas_set_num_threads(threads)
    (torch's call does not reach OpenBLAS's pool in this build) for each
    thread count.

Like for like: the demo step and decode use the same weights on both sides.
By default that is the shipped checkpoint,
model/demo/checkpoint/lockstep-demo.safetensors (fp16; patch [1,1,1], so
448 video + 53 audio tokens at 25x64x64), loaded in PyTorch as float32 by
train/export.load_model and passed to `lockstep bench step|decode
--checkpoint` (which also defaults to that checkpoint, embedded). --checkpoint
FILE times another checkpoint; --random times the old random weights
instead: train/demo_model.DemoModel at the default config (seeded random
init, zero-initialised parameters randomised; patch [1,2,2]), written with
train/export.save (fp16, the shipped format) to a temporary file.

Every figure is a median over >= --runs timed runs after a warm-up run.

Background load: the kernel groups processes by session (autogroup), so a
nice-19 job in another session still takes half of a 2-core machine. The
benchmark therefore runs in a new session whose autogroup nice is set to
--autogroup-nice (default -20; needs root, skipped with a warning otherwise;
0 disables it).
"""
import argparse
import ctypes
import json
import math
import os
import statistics
import subprocess
import sys
import shutil
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
MARK = "LOCKSTEP_TORCH_COMPARE_CHILD"


def torch_env():
    env = dict(os.environ)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(k, None)
    env.update({
        "OPENBLAS_THREAD_TIMEOUT": "4",
        "OMP_WAIT_POLICY": "PASSIVE",
        "MALLOC_MMAP_MAX_": "0",
        "MALLOC_TRIM_THRESHOLD_": "1000000000000",
        MARK: "1",
    })
    if os.path.isdir(OPENBLAS_DIR):
        env["LD_LIBRARY_PATH"] = OPENBLAS_DIR + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env


def reexec(args):
    """Run this script again in the PyTorch environment, in a new session."""
    nice = args.autogroup_nice

    def pre():
        if nice:
            try:
                with open("/proc/self/autogroup", "w") as f:
                    f.write(str(nice))
            except OSError as e:
                sys.stderr.write("torch_compare: cannot set autogroup nice %d (%s); timings may suffer from "
                                 "background load\n" % (nice, e))

    r = subprocess.run([sys.executable] + sys.argv, env=torch_env(), start_new_session=True, preexec_fn=pre)
    sys.exit(r.returncode)


# ---------------------------------------------------------------- timing


def measure(fn, runs, min_time=0.3, max_runs=15):
    """(median ms, min ms, runs) after one warm-up call, like bench/kernels."""
    fn()
    ms, total = [], 0.0
    while len(ms) < max_runs and (len(ms) < runs or total < min_time):
        t0 = time.perf_counter()
        fn()
        d = time.perf_counter() - t0
        total += d
        ms.append(d * 1e3)
    return statistics.median(ms), min(ms), len(ms)


def rec(name, shape, threads, med, fast, runs, **kw):
    r = {"name": name, "shape": shape, "threads": threads, "median_ms": med, "min_ms": fast, "runs": runs}
    r.update(kw)
    return r


# ---------------------------------------------------------------- kernels (shapes as bench/kernels)

GEMM_SHAPES = [(1024, 1024, 1024), (2048, 2048, 2048),
               (165, 192, 192), (165, 576, 192), (165, 768, 192), (165, 192, 768),
               (1024, 192, 192), (1024, 576, 192), (1024, 768, 192), (1024, 192, 768),
               (1024, 2048, 2048), (1024, 8192, 2048), (1024, 2048, 8192)]
ATTN_SHAPES = [(8, 1024, 64), (8, 4096, 64), (8, 4096, 128), (8, 16384, 64)]
CONV_SHAPES = [("conv3d_vae_up1", 64, 256, 13, 16, 16), ("conv3d_vae_res0", 32, 32, 25, 32, 32)]


def bench_kernels(torch, threads, runs, seqs):
    F = torch.nn.functional
    out = []
    for m, n, k in GEMM_SHAPES:
        shape = "%dx%dx%d" % (m, n, k)
        x = torch.randn(m, k)
        w = torch.randn(n, k)
        flops = 2.0 * m * n * k
        med, fast, r = measure(lambda: torch.matmul(x, w.t()), runs)
        out.append(rec("gemm_f32", shape, threads, med, fast, r, gflops=flops / med / 1e6))
        xb, wb = x.bfloat16(), w.bfloat16()
        med, fast, r = measure(lambda: torch.matmul(xb, wb.t()), runs)
        # Both Lockstep bf16 variants are compared with PyTorch's bf16 matmul.
        for name in ("gemm_bf16w", "gemm_bf16"):
            out.append(rec(name, shape, threads, med, fast, r, gflops=flops / med / 1e6, note="torch bf16 x bf16"))
    for h, s, d in ATTN_SHAPES:
        if seqs and s not in seqs:
            continue
        q, k_, v = (torch.randn(1, h, s, d) for _ in range(3))
        scale = 1 / math.sqrt(d)
        if s * s * h * 4 > (1 << 31):
            # Plain path per head: the [H, S, S] scores would not fit twice in memory.
            def attn():
                for i in range(h):
                    torch.matmul(torch.softmax(torch.matmul(q[:, i], k_[:, i].transpose(-1, -2)) * scale, -1), v[:, i])
            scores = 2 * 4 * s * s
            note = "matmul-softmax-matmul, one head at a time"
        else:
            def attn():
                torch.matmul(torch.softmax(torch.matmul(q, k_.transpose(-1, -2)) * scale, -1), v)
            scores = 2 * 4 * h * s * s
            note = "matmul-softmax-matmul (no scaled_dot_product_attention in torch %s)" % torch.__version__
        med, fast, r = measure(attn, runs)
        flops = 4.0 * h * s * s * d
        out.append(rec("attention", "h%d_s%d_d%d" % (h, s, d), threads, med, fast, r, gflops=flops / med / 1e6,
                       peak_bytes=scores + 4 * h * s * d, note=note + "; peak_bytes = scores + softmax + output"))
    for name, cin, cout, f, hh, ww in CONV_SHAPES:
        x = torch.randn(1, cin, f, hh, ww)
        w = torch.randn(cout, cin, 3, 3, 3) * 0.05
        b = torch.randn(cout) * 0.02
        med, fast, r = measure(lambda: F.conv3d(F.pad(x, (1, 1, 1, 1, 2, 0)), w, b), runs)
        flops = 2.0 * cout * cin * 27 * f * hh * ww
        out.append(rec(name, "%dx%d_%dx%dx%d" % (cin, cout, f, hh, ww), threads, med, fast, r, gflops=flops / med / 1e6))
    return out


# ---------------------------------------------------------------- demo model

CAPTION = "two small red balls bounce on a grey floor"
STEP_CLIPS = [(25, 64, 64, 53), (25, 128, 128, 53)]
SHIPPED = os.path.join(ROOT, "model", "demo", "checkpoint", "lockstep-demo.safetensors")


def train_path():
    if os.path.join(ROOT, "train") not in sys.path:
        sys.path.insert(0, os.path.join(ROOT, "train"))


def write_checkpoint(torch, path):
    """A seeded random default-config DemoModel written as the shipped fp16 checkpoint."""
    train_path()
    import demo_model as M
    import export
    vocab = ["<pad>", "<bos>"] + sorted(set(CAPTION.split()) | {"ball", "blue", "green", "the", "wall"})
    cfg = M.default_config(vocab)
    torch.manual_seed(0)
    model = M.DemoModel(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if float(p.abs().max()) == 0:  # zero-initialised gates and heads: make every term count
                p.normal_(0, 0.05)
    export.save(path, cfg, model.state_dict())


def load_model(path):
    """The checkpoint at path as a float32 DemoModel."""
    train_path()
    import export
    return export.load_model(path)


def bench_step(torch, model, threads, runs):
    import demo_model as M
    cfg = model.cfg
    dit = model.dit
    out = []
    with torch.no_grad():
        ctx, _ = model.encode_text([CAPTION])
        D = cfg["dit"]["dim"]
        p = cfg["dit"]["patch"]
        for frames, hgt, wid, T in STEP_CLIPS:
            g = torch.Generator().manual_seed(hgt)
            lf, lh, lw = 1 + (frames - 1) // 4, hgt // 8, wid // 8
            zv = torch.randn(1, 16, lf, lh, lw, generator=g)
            za = torch.randn(1, 8, T, generator=g)
            gf, gh, gw = lf // p[0], lh // p[1], lw // p[2]
            nv = gf * gh * gw
            rope = M.joint_rope(cfg, gf, gh, gw, T)  # cached per shape, as Lockstep does
            s = torch.tensor([0.6])
            total = measure(lambda: dit(zv, za, ctx, s, s, rope=rope), runs)
            h = torch.randn(1, nv + T, D, generator=g)
            xv = torch.randn(1, nv, D, generator=g)
            xa = torch.randn(1, T, D, generator=g)
            cc = torch.randn(1, ctx.shape[1], D, generator=g)

            def attn():
                for blk in dit.blocks:
                    blk.self_attn(h, h, rope)
                    blk.cross_attn(h, cc)

            def mlp():
                for blk in dit.blocks:
                    blk.video.ffn(xv)
                    blk.audio.ffn(xa)
            a = measure(attn, runs)
            m = measure(mlp, runs)
            shape = "%dx%dx%d_a%d" % (frames, hgt, wid, T)
            out += [rec("step_total", shape, threads, *total), rec("step_attention", shape, threads, *a),
                    rec("step_mlp", shape, threads, *m),
                    rec("step_other", shape, threads, max(0, total[0] - a[0] - m[0]), max(0, total[1] - a[1] - m[1]),
                        total[2])]
    return out


def bench_decode(torch, model, threads, runs):
    cfg = model.cfg
    out = []
    with torch.no_grad():
        g = torch.Generator().manual_seed(5)
        zv = torch.randn(1, cfg["video_vae"]["z_channels"], 7, 8, 8, generator=g)
        za = torch.randn(1, cfg["audio_vae"]["z_channels"], 53, generator=g)
        frames = 1 + 4 * 6
        v = measure(lambda: model.video_vae.decoder(zv), runs)
        a = measure(lambda: model.audio_vae.decoder(za), runs)
        vsec = frames / cfg["fps"]
        asec = 53 * cfg["audio_vae"]["hop"] / cfg["sample_rate"]
        out.append(rec("decode_video", "%dx64x64" % frames, threads, *v, output_s_per_s=vsec / (v[0] / 1e3)))
        out.append(rec("decode_audio", str(53 * cfg["audio_vae"]["hop"]), threads, *a, output_s_per_s=asec / (a[0] / 1e3)))
    return out


# ---------------------------------------------------------------- lockstep side


def lockstep(binary, group, threads, runs, checkpoint, seqs):
    cmd = [binary, "bench", group, "--json", "--threads", ",".join(map(str, threads)), "--runs", str(runs)]
    if group != "kernels":
        cmd += ["--checkpoint", checkpoint]
    elif seqs:
        cmd += ["--seq", ",".join(map(str, seqs))]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("%s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr))
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def blas_library():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line}
    return sorted(libs)


def set_threads(torch, n, openblas):
    """torch.set_num_threads does not reach OpenBLAS's own pool in this build
    (BLAS_INFO=generic): set both."""
    torch.set_num_threads(n)
    if openblas is not None:
        openblas.openblas_set_num_threads(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2", help="thread counts (default 1,2)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs at least per case (median reported)")
    ap.add_argument("--only", default="kernels,step,decode", help="groups: kernels, step, decode")
    ap.add_argument("--seq", default="", help="attention sequence lengths to run (default: all)")
    ap.add_argument("--lockstep", default="", help="lockstep binary (default: build bin/lockstep)")
    ap.add_argument("--md", default="", help="also write the ratio table as Markdown to FILE")
    ap.add_argument("--json", default="", help="also write every record (both sides) as JSON Lines to FILE")
    ap.add_argument("--checkpoint", default=SHIPPED,
                    help="demo checkpoint for step and decode (default: the shipped %(default)s)")
    ap.add_argument("--random", action="store_true",
                    help="time random default-config weights (patch [1,2,2]) instead of --checkpoint")
    ap.add_argument("--autogroup-nice", type=int, default=-20, help="autogroup nice of the benchmark session")
    args = ap.parse_args()
    if os.environ.get(MARK) != "1":
        reexec(args)
    threads = [int(t) for t in args.threads.split(",") if t]
    groups = [g for g in args.only.split(",") if g]
    seqs = [int(s) for s in args.seq.split(",") if s]

    import torch
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    torch.matmul(torch.randn(64, 64), torch.randn(64, 64))
    libs = blas_library()
    ob = [l for l in libs if "openblas" in l]
    if not ob:
        raise SystemExit("torch_compare: PyTorch is not using OpenBLAS (%s)" % libs)
    openblas = ctypes.CDLL(ob[0])
    print("torch %s, BLAS %s, autogroup: %s, load: %s" % (
        torch.__version__, ", ".join(os.path.basename(l) for l in libs),
        open("/proc/self/autogroup").read().strip(), open("/proc/loadavg").read().strip()), flush=True)

    binary = args.lockstep
    if not binary:
        binary = os.path.join(ROOT, "bin", "lockstep")
        subprocess.run(["go", "build", "-o", binary, "./cmd/lockstep"], cwd=ROOT, check=True)

    work = tempfile.mkdtemp(prefix="torch_compare_")
    ckpt = os.path.abspath(args.checkpoint)
    model = None
    if "step" in groups or "decode" in groups:
        if args.random:
            ckpt = os.path.join(work, "demo-random.safetensors")
            write_checkpoint(torch, ckpt)
        print("step/decode weights: %s" % ckpt, flush=True)
        model = load_model(ckpt)

    theirs, ours = [], []
    for g in groups:
        for t in threads:
            set_threads(torch, t, openblas)
            if g == "kernels":
                theirs += bench_kernels(torch, t, args.runs, seqs)
            elif g == "step":
                theirs += bench_step(torch, model, t, args.runs)
            elif g == "decode":
                theirs += bench_decode(torch, model, t, args.runs)
            else:
                raise SystemExit("unknown group %r" % g)
            print("torch %s threads=%d done" % (g, t), file=sys.stderr, flush=True)
        ours += lockstep(binary, g, threads, args.runs, ckpt, seqs)
        print("lockstep %s done" % g, file=sys.stderr, flush=True)

    key = lambda r: (r["name"], r["shape"], r["threads"])
    tmap = {key(r): r for r in theirs}
    rows = []
    for r in ours:
        t = tmap.get(key(r))
        if t is None:
            continue
        # step_other is total minus parts and can be 0 on either side when the parts are noisier
        # than the total: no ratio then.
        rows.append((r, t, r["median_ms"] / t["median_ms"] if t["median_ms"] > 0 else None))
    lines = ["| name | shape | threads | Lockstep ms | PyTorch ms | ratio L/P | Lockstep GFLOP/s | PyTorch GFLOP/s | Lockstep MB | PyTorch MB |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r, t, ratio in rows:
        gf = lambda x: "%.0f" % x["gflops"] if x.get("gflops") else "-"
        mb = lambda x: "%.1f" % (x["peak_bytes"] / 1e6) if x.get("peak_bytes") else "-"
        lines.append("| %s | %s | %d | %.3f | %.3f | %s | %s | %s | %s | %s |" % (
            r["name"], r["shape"], r["threads"], r["median_ms"], t["median_ms"],
            "-" if ratio is None else "%.2f" % ratio, gf(r), gf(t), mb(r), mb(t)))
    print("\n".join(lines))
    if args.md:
        with open(args.md, "w") as f:
            f.write("\n".join(lines) + "\n")
    if args.json:
        with open(args.json, "w") as f:
            for r in ours:
                f.write(json.dumps(dict(r, side="lockstep")) + "\n")
            for r in theirs:
                f.write(json.dumps(dict(r, side="torch")) + "\n")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
