#!/usr/bin/env python3
"""Reference fixtures for scheduler/ from diffusers' own scheduler code.

Usage:
    /usr/bin/python3 train/diffusers_parity.py DIFFUSERS_DIR [OUT_DIR]

DIFFUSERS_DIR is a diffusers checkout (it must contain src/diffusers/schedulers/,
or be that schedulers/ folder itself). From a bare clone, an extract is enough:
    git --git-dir=DIFFUSERS.git archive HEAD src/diffusers/schedulers | tar -x -C /tmp/diffusers_src
The committed fixtures were made from diffusers commit 58eb52c0 (2026-08-23). Only the scheduler modules are loaded:
the rest of the diffusers package (configuration_utils, utils, torch_utils,
huggingface_hub) is replaced by the small stubs below, so the script runs with
Debian's python3-torch and numpy; scipy is not needed (beta sigmas are not
exercised here). diffusers' source is never copied into this repository.

For each case the script runs set_timesteps and a full sampling loop on the
analytic Gaussian-mixture toy model (gmm, the same formulas as scheduler/gmm)
from fixed initial noise, and writes OUT_DIR/diffusers_<family>.json
(default OUT_DIR: scheduler/testdata next to this script).

Model input convention (mirrored by the Go solvers): the model is handed the
input x_in = a*x0 + b*eps together with (a, b):
  * sigma-space solvers (Euler, Heun, Euler ancestral): x_in =
    scale_model_input(x), sigma = sigmas[step_index], a = 1/sqrt(1+sigma^2),
    b = sigma*a;
  * DPM-Solver / UniPC: x_in = x, sigma = sigmas[i], same a, b;
  * DDIM / DDPM / LCM: x_in = x, a = sqrt(alphas_cumprod[t]), b = sqrt(1-alphas_cumprod[t]);
  * flow matching: x_in = x, a = 1 - sigma, b = sigma.
All (a, b) are float64 computed from the float32 schedule values.

Noise: initial noise and solver noise come from the documented counter-based
RNG of scheduler/rng.go (SplitMix64 + Box-Muller), implemented again below;
diffusers' randn_tensor is stubbed to pull from stream 1 of that RNG so the
stochastic solvers can be compared sample for sample.
"""

import dataclasses
import importlib
import inspect
import json
import math
import os
import sys
import types

import numpy as np
import torch

SEED = 1234
BATCH = 4
DIM = 16
NCOMP = 4
STD = 0.1

# ---------------------------------------------------------------- RNG

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix64(z):
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & MASK
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB & MASK
    return z ^ (z >> 31)


class RNG:
    """Counter-based SplitMix64 stream; see scheduler/rng.go."""

    def __init__(self, seed, stream):
        self.key = mix64((seed + GAMMA * (stream + 1)) & MASK)
        self.ctr = 0
        self.spare = None

    def uint64(self):
        self.ctr += 1
        return mix64((self.key + GAMMA * self.ctr) & MASK)

    def uniform(self):
        # in (0, 1]
        return ((self.uint64() >> 11) + 1) * (1.0 / 9007199254740992.0)

    def normal(self):
        if self.spare is not None:
            z, self.spare = self.spare, None
            return z
        u1 = self.uniform()
        u2 = self.uniform()
        r = math.sqrt(-2.0 * math.log(u1))
        self.spare = r * math.sin(2.0 * math.pi * u2)
        return r * math.cos(2.0 * math.pi * u2)

    def normals(self, n):
        return [self.normal() for _ in range(n)]


# ---------------------------------------------------------------- gmm

MEANS = np.array([[math.cos(0.7 * (k + 1) * (i + 1)) for i in range(DIM)] for k in range(NCOMP)])


def gmm_x0(x, a, b):
    """Exact posterior mean E[x0 | x] for x = a*x0 + b*eps (rows of x)."""
    s2 = STD * STD
    var = a * a * s2 + b * b
    d = x[:, None, :] - a * MEANS[None, :, :]  # B,K,D
    logit = -(d * d).sum(-1) / (2.0 * var)
    logit -= logit.max(axis=1, keepdims=True)
    r = np.exp(logit)
    r /= r.sum(axis=1, keepdims=True)
    comp = MEANS[None, :, :] + (a * s2 / var) * d
    return (r[:, :, None] * comp).sum(1)


def gmm_predict(x, a, b, kind):
    x = np.asarray(x, dtype=np.float64)
    x0 = gmm_x0(x, a, b)
    eps = (x - a * x0) / b
    if kind == "epsilon":
        return eps
    if kind == "v_prediction":
        return a * eps - b * x0
    if kind == "flow":
        return eps - x0
    raise ValueError(kind)


# ---------------------------------------------------------------- stubs

NOISE = {"rng": None}


def randn_tensor(shape, generator=None, device=None, dtype=None, layout=None):
    n = int(np.prod(shape))
    v = torch.tensor(NOISE["rng"].normals(n), dtype=torch.float64).reshape(shape)
    return v.to(dtype if dtype is not None else torch.float32)


class Config(dict):
    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k)

    def __setattr__(self, k, v):
        self[k] = v


class ConfigMixin:
    config_name = "scheduler_config.json"

    def register_to_config(self, **kwargs):
        if not hasattr(self, "_cfg"):
            object.__setattr__(self, "_cfg", Config())
        self._cfg.update(kwargs)

    @property
    def config(self):
        return self._cfg


def register_to_config(init):
    sig = inspect.signature(init)

    def wrapped(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        cfg = {k: v for k, v in bound.arguments.items() if k != "self"}
        ConfigMixin.register_to_config(self, **cfg)
        init(self, *args, **kwargs)

    return wrapped


class BaseOutput:
    def __getitem__(self, i):
        return [getattr(self, f.name) for f in dataclasses.fields(self)][i]


class _Logger:
    def warning(self, *a, **k):
        pass

    info = debug = warn = warning


def install_stubs(sched_dir):
    def mod(name, pkg=False, **attrs):
        m = types.ModuleType(name)
        if pkg:
            m.__path__ = []
        m.__dict__.update(attrs)
        sys.modules[name] = m
        return m

    mod("huggingface_hub", pkg=True)
    mod("huggingface_hub.utils", validate_hf_hub_args=lambda f: f)
    mod("diffusers", pkg=True)
    mod(
        "diffusers.configuration_utils",
        ConfigMixin=ConfigMixin,
        register_to_config=register_to_config,
    )
    mod(
        "diffusers.utils",
        pkg=True,
        BaseOutput=BaseOutput,
        PushToHubMixin=object,
        is_scipy_available=lambda: False,
        logging=types.SimpleNamespace(get_logger=lambda *a: _Logger()),
        deprecate=lambda *a, **k: None,
    )
    mod("diffusers.utils.torch_utils", randn_tensor=randn_tensor)
    m = mod("diffusers.schedulers", pkg=True)
    m.__path__ = [sched_dir]


def gauss_quad(f, a, b, epsrel=None):
    """Stand-in for scipy.integrate.quad, used only by LMSDiscreteScheduler on
    a polynomial of degree < 4: 8-point Gauss-Legendre is exact there."""
    x, w = np.polynomial.legendre.leggauss(8)
    a, b = float(a), float(b)
    half, mid = (b - a) / 2, (a + b) / 2
    return float(sum(wi * float(f(mid + half * xi)) for xi, wi in zip(x, w)) * half), 0.0


def load(cls_name, module):
    m = importlib.import_module("diffusers.schedulers." + module)
    if module == "scheduling_lms_discrete":
        m.integrate = types.SimpleNamespace(quad=gauss_quad)  # scipy is not installed
    return getattr(m, cls_name)


# ---------------------------------------------------------------- loops


def f32list(t):
    return [float(v) for v in torch.as_tensor(t).to(torch.float64).reshape(-1).tolist()]


def ab_sigma(sigma):
    s = float(sigma)
    a = 1.0 / math.sqrt(1.0 + s * s)
    return a, s * a


def full_config(sched):
    """The scheduler's effective configuration (defaults included)."""
    out = {}
    for k, v in sched.config.items():
        if isinstance(v, float) and not math.isfinite(v):
            continue  # e.g. lambda_min_clipped = -inf: JSON has no infinities
        if isinstance(v, (bool, int, float, str)) or v is None:
            out[k] = v
        elif isinstance(v, (list, tuple)) and all(isinstance(e, (int, float)) for e in v):
            out[k] = list(v)
    return out


def beta_key(cfg):
    """Key of a beta table: schedule_start_end (start/end as Python repr)."""
    return f"{cfg.get('beta_schedule')}_{cfg.get('beta_start')!r}_{cfg.get('beta_end')!r}"


def run_case(case):
    cls = load(case["class"], case["module"])
    cfg = dict(case["config"])
    sched = cls(**cfg)
    kw = dict(case.get("set_timesteps", {}))
    if "sigmas" in kw:
        sched.set_timesteps(None, **kw)  # custom sigma list (final level included)
    else:
        sched.set_timesteps(case["steps"], **kw)
    kind = case["kind"]
    pred = cfg.get("prediction_type", "epsilon")
    if kind == "flow":
        pred = "flow"
    if kind == "ipndm":
        pred = "v_prediction"  # iPNDM's eps = sigma*x + alpha*model_output assumes v
    init = np.array(RNG(SEED, 0).normals(BATCH * DIM)).reshape(BATCH, DIM)
    NOISE["rng"] = RNG(SEED, 1)
    x = torch.tensor(init, dtype=torch.float64) * float(getattr(sched, "init_noise_sigma", 1.0))
    ts = sched.timesteps
    nfe = 0
    for i, t in enumerate(ts):
        if kind == "sigma":
            x_in = sched.scale_model_input(x, t)
            a, b = ab_sigma(sched.sigmas[sched.step_index])
        elif kind == "vp_sigma":
            x_in = x
            a, b = ab_sigma(sched.sigmas[i])
        elif kind == "vp_alpha":
            x_in = x
            ac = float(sched.alphas_cumprod[int(t)])
            a, b = math.sqrt(ac), math.sqrt(1.0 - ac)
        elif kind == "flow":
            x_in = x
            s = float(sched.sigmas[i])
            a, b = 1.0 - s, s
        elif kind == "ipndm":
            x_in = x
            a, b = float(sched.alphas[i]), float(sched.betas[i])
        out = torch.tensor(gmm_predict(x_in.numpy(), a, b, pred), dtype=torch.float64)
        nfe += 1
        skw = dict(case.get("step", {}))
        x = sched.step(out, t, x, return_dict=False, **skw)[0].to(torch.float64)
    rec = {
        "name": case["name"],
        "class": case["class"],
        "config": full_config(sched),
        "set_timesteps": kw,
        "steps": case["steps"],
        "step": case.get("step", {}),
        "kind": kind,
        "seed": SEED,
        "init_noise_sigma": float(getattr(sched, "init_noise_sigma", 1.0)),
        "timesteps": f32list(ts),
        "sigmas": f32list(sched.betas if kind == "ipndm" else sched.sigmas) if hasattr(sched, "sigmas") or kind == "ipndm" else [],
        "nfe": nfe,
        "initial_noise": init.tolist(),
        "final": x.numpy().tolist(),
    }
    return rec


SD = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")


def cases():
    c = []

    def add(family, name, cls, module, kind, steps, config, **extra):
        d = dict(family=family, name=name, **{"class": cls}, module=module, kind=kind, steps=steps, config=config)
        d.update(extra)
        c.append(d)

    U = ("UniPCMultistepScheduler", "scheduling_unipc_multistep")
    mu = (1.15 - 0.5) / (4096 - 256) * 1024 + (0.5 - (1.15 - 0.5) / (4096 - 256) * 256)
    E = ("EulerDiscreteScheduler", "scheduling_euler_discrete")
    add("euler", "euler_sd_linspace_10", *E, "sigma", 10, dict(SD))
    add("euler", "euler_sd_leading_10", *E, "sigma", 10, dict(SD, timestep_spacing="leading", steps_offset=1))
    add("euler", "euler_sd_trailing_10", *E, "sigma", 10, dict(SD, timestep_spacing="trailing"))
    add("euler", "euler_sd_karras_10", *E, "sigma", 10, dict(SD, use_karras_sigmas=True))
    add("euler", "euler_sd_exponential_10", *E, "sigma", 10, dict(SD, use_exponential_sigmas=True))
    add("euler", "euler_linear_20", *E, "sigma", 20, dict())
    custom = [14.6, 8.0, 4.2, 2.1, 1.0, 0.45, 0.2, 0.08, 0.03, 0.0]
    add("euler", "euler_sd_custom_9", *E, "sigma", 9, dict(SD), set_timesteps=dict(sigmas=custom))
    add("euler", "euler_cosine_vpred_8", *E, "sigma", 8, dict(beta_schedule="squaredcos_cap_v2", prediction_type="v_prediction"))
    H = ("HeunDiscreteScheduler", "scheduling_heun_discrete")
    add("heun", "heun_sd_linspace_10", *H, "sigma", 10, dict(SD))
    add("heun", "heun_sd_karras_8", *H, "sigma", 8, dict(SD, use_karras_sigmas=True))
    add("heun", "heun_linear_vpred_6", *H, "sigma", 6, dict(prediction_type="v_prediction"))
    LM = ("LMSDiscreteScheduler", "scheduling_lms_discrete")
    add("lms", "lms_sd_10", *LM, "sigma", 10, dict(SD))
    add("lms", "lms_linear_karras_12", *LM, "sigma", 12, dict(use_karras_sigmas=True))
    add("lms", "lms_sd_trailing_vpred_8", *LM, "sigma", 8, dict(SD, timestep_spacing="trailing", prediction_type="v_prediction"))
    D = ("DPMSolverMultistepScheduler", "scheduling_dpmsolver_multistep")
    add("dpmpp2m", "dpmpp2m_linear_10", *D, "vp_sigma", 10, dict())
    add("dpmpp2m", "dpmpp2m_linear_20", *D, "vp_sigma", 20, dict())
    add("dpmpp2m", "dpmpp2m_sd_karras_10", *D, "vp_sigma", 10, dict(SD, use_karras_sigmas=True))
    add("dpmpp2m", "dpmpp2m_sd_heun_trailing_8", *D, "vp_sigma", 8, dict(SD, solver_type="heun", timestep_spacing="trailing"))
    add("dpmpp2m", "dpmpp3m_linear_10", *D, "vp_sigma", 10, dict(solver_order=3))
    add("dpmpp2m", "dpmpp2m_cosine_vpred_8", *D, "vp_sigma", 8, dict(beta_schedule="squaredcos_cap_v2", prediction_type="v_prediction"))
    FL = dict(use_flow_sigmas=True, prediction_type="flow_prediction")
    add("flow_multistep", "dpmpp2m_flow_shift3_10", *D, "flow", 10, dict(FL, flow_shift=3.0))
    add("flow_multistep", "dpmpp3m_flow_shift5_12", *D, "flow", 12, dict(FL, flow_shift=5.0, solver_order=3))
    add("flow_multistep", "unipc_bh2_flow_shift3_10", *U, "flow", 10, dict(FL, flow_shift=3.0))
    add("flow_multistep", "unipc_bh2_o3_flow_shift8_20", *U, "flow", 20, dict(FL, flow_shift=8.0, solver_order=3))
    add("flow_multistep", "unipc_bh2_flow_dynamic_8", *U, "flow", 8, dict(FL, use_dynamic_shifting=True), set_timesteps=dict(mu=mu))
    DS = ("DPMSolverSinglestepScheduler", "scheduling_dpmsolver_singlestep")
    add("dpm_single", "dpm_single_o2_linear_10", *DS, "vp_sigma", 10, dict())
    add("dpm_single", "dpm_single_o2_linear_9", *DS, "vp_sigma", 9, dict())
    add("dpm_single", "dpm_single_o3_linear_12", *DS, "vp_sigma", 12, dict(solver_order=3))
    add("dpm_single", "dpm_single_o3_heun_sd_karras_10", *DS, "vp_sigma", 10, dict(SD, solver_order=3, solver_type="heun", use_karras_sigmas=True))
    add("dpm_single", "dpm_single_o3_sd_11", *DS, "vp_sigma", 11, dict(SD, solver_order=3))
    add("unipc", "unipc_bh2_o2_linear_10", *U, "vp_sigma", 10, dict())
    add("unipc", "unipc_bh1_o2_linear_10", *U, "vp_sigma", 10, dict(solver_type="bh1", final_sigmas_type="sigma_min"))
    add("unipc", "unipc_bh2_o3_linear_10", *U, "vp_sigma", 10, dict(solver_order=3))
    add("unipc", "unipc_bh1_o3_sd_karras_12", *U, "vp_sigma", 12, dict(SD, solver_order=3, solver_type="bh1", use_karras_sigmas=True, final_sigmas_type="sigma_min"))
    add("unipc", "unipc_bh2_o1_linear_8", *U, "vp_sigma", 8, dict(solver_order=1))
    add("unipc", "unipc_bh2_o2_sd_trailing_20", *U, "vp_sigma", 20, dict(SD, timestep_spacing="trailing"))
    DE = ("DEISMultistepScheduler", "scheduling_deis_multistep")
    add("deis", "deis_o2_linear_10", *DE, "vp_sigma", 10, dict())
    add("deis", "deis_o3_linear_12", *DE, "vp_sigma", 12, dict(solver_order=3))
    add("deis", "deis_o3_sd_karras_10", *DE, "vp_sigma", 10, dict(SD, solver_order=3, use_karras_sigmas=True))
    add("deis", "deis_o1_sd_trailing_8", *DE, "vp_sigma", 8, dict(SD, solver_order=1, timestep_spacing="trailing"))
    IP = ("IPNDMScheduler", "scheduling_ipndm")
    add("ipndm", "ipndm_10", *IP, "ipndm", 10, dict())
    add("ipndm", "ipndm_25", *IP, "ipndm", 25, dict())
    A = ("DDIMScheduler", "scheduling_ddim")
    add("ddim", "ddim_sd_leading_10", *A, "vp_alpha", 10, dict(SD, clip_sample=False, set_alpha_to_one=False, steps_offset=1))
    add("ddim", "ddim_linear_trailing_20", *A, "vp_alpha", 20, dict(clip_sample=False, timestep_spacing="trailing"))
    add("ddim", "ddim_cosine_vpred_linspace_8", *A, "vp_alpha", 8, dict(beta_schedule="squaredcos_cap_v2", clip_sample=False, prediction_type="v_prediction", timestep_spacing="linspace"))
    F = ("FlowMatchEulerDiscreteScheduler", "scheduling_flow_match_euler_discrete")
    add("flow", "flow_euler_shift3_10", *F, "flow", 10, dict(shift=3.0))
    add("flow", "flow_euler_shift1_20", *F, "flow", 20, dict())
    mu = (1.15 - 0.5) / (4096 - 256) * 1024 + (0.5 - (1.15 - 0.5) / (4096 - 256) * 256)
    add("flow", "flow_euler_dynamic_1024_8", *F, "flow", 8, dict(use_dynamic_shifting=True), set_timesteps=dict(mu=mu))
    FH = ("FlowMatchHeunDiscreteScheduler", "scheduling_flow_match_heun_discrete")
    add("flow", "flow_heun_shift3_8", *FH, "flow", 8, dict(shift=3.0))
    EA = ("EulerAncestralDiscreteScheduler", "scheduling_euler_ancestral_discrete")
    add("stochastic", "euler_ancestral_sd_10", *EA, "sigma", 10, dict(SD))
    P = ("DDPMScheduler", "scheduling_ddpm")
    add("stochastic", "ddpm_linear_leading_20", *P, "vp_alpha", 20, dict(clip_sample=False))
    L = ("LCMScheduler", "scheduling_lcm")
    add("stochastic", "lcm_sd_4", *L, "vp_alpha", 4, dict(SD, clip_sample=False, set_alpha_to_one=True))
    T = ("TCDScheduler", "scheduling_tcd")
    add("stochastic", "tcd_gamma03_sd_4", *T, "vp_alpha", 4, dict(SD), step=dict(eta=0.3))
    add("stochastic", "tcd_gamma0_sd_6", *T, "vp_alpha", 6, dict(SD), step=dict(eta=0.0))
    add("stochastic", "ddim_eta05_linear_20", *A, "vp_alpha", 20, dict(clip_sample=False), step=dict(eta=0.5))
    add("stochastic", "dpmpp2m_sde_sd_karras_10", *D, "vp_sigma", 10, dict(SD, algorithm_type="sde-dpmsolver++", use_karras_sigmas=True))
    return c


def beta_tables(records):
    """betas and alphas_cumprod for every (schedule, start, end) the cases use."""
    cls = load(*("EulerDiscreteScheduler", "scheduling_euler_discrete"))
    seen = {}
    for r in records:
        c = r["config"]
        if "beta_schedule" in c:
            cfg = dict(beta_schedule=c["beta_schedule"], beta_start=c["beta_start"], beta_end=c["beta_end"])
            seen.setdefault(beta_key(cfg), cfg)
    seen["zsnr"] = dict(beta_schedule="linear", beta_start=0.0001, beta_end=0.02, rescale_betas_zero_snr=True)
    out = []
    for name, cfg in seen.items():
        s = cls(**cfg)
        out.append(dict(name=name, config=cfg, betas=f32list(s.betas), alphas_cumprod=f32list(s.alphas_cumprod)))
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: diffusers_parity.py DIFFUSERS_DIR [OUT_DIR]\n"
                 "DIFFUSERS_DIR: a diffusers checkout (with src/diffusers/schedulers/) -- it is required")
    root = sys.argv[1]
    cands = [os.path.join(root, "src", "diffusers", "schedulers"), os.path.join(root, "schedulers"), root]
    sched_dir = next((d for d in cands if os.path.isfile(os.path.join(d, "scheduling_euler_discrete.py"))), None)
    if sched_dir is None:
        sys.exit(f"diffusers not found: none of {cands} holds scheduling_euler_discrete.py; "
                 "pass the path of a diffusers checkout")
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scheduler", "testdata")
    os.makedirs(out_dir, exist_ok=True)
    install_stubs(sched_dir)
    torch.set_num_threads(1)
    fams = {}
    for case in cases():
        rec = run_case(case)
        fams.setdefault(case["family"], []).append(rec)
        print(f"{rec['name']:34s} nfe={rec['nfe']:3d} final[0][:3]={np.round(rec['final'][0][:3], 6)}")
    fams["betas"] = beta_tables([r for recs in fams.values() for r in recs])
    for fam, recs in fams.items():
        path = os.path.join(out_dir, f"diffusers_{fam}.json")
        with open(path, "w") as f:
            json.dump(recs, f, indent=1)
        print("wrote", path)


if __name__ == "__main__":
    main()
