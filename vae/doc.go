// Package vae holds the demo model's causal video and audio VAEs and the
// lockstep decoder that turns a clip's latents into frames and samples of
// the same time interval, window by window.
//
// The video VAE compresses 8× in space and 4× in time: a latent
// [1, 16, 1+n, h, w] decodes to 1+4n frames of 8h×8w pixels in [-1, 1]. The
// audio VAE compresses a waveform 640× (25 latent tokens per second at
// 16 kHz). Both are causal in time: every convolution is an
// nn.CausalConv3d or nn.CausalConv1d, so an output frame or sample depends
// only on latents at or before its time. Decoders therefore run in two
// modes that give the same numbers:
//
//   - whole clip: VideoDecoder.Decode, AudioDecoder.Decode;
//   - streaming: NewStream gives a VideoStream or AudioStream whose Feed
//     takes the next latent frames (tokens) and returns the new frames
//     (samples). The convolutions' causal caches live in host memory inside
//     the stream, so the caller may Reset its backend.Context between
//     chunks and memory stays bounded for any clip length.
//
// Latent chunk [a, b) of the video stream yields frames [4a-3, 4b-3)
// (or [0, 4b-3) for a = 0: the first latent frame gives one frame); audio
// token k yields samples [640k, 640k+640).
//
// Decoders take denormalised latents μ (what the encoders' means are);
// the diffusion model works on normalised latents z = (μ - mean)/std per
// channel, converted by VideoConfig/AudioConfig Normalize and Denormalize.
//
// LockstepDecoder drives both streams together: for each window of latent
// video frames it emits the new frames (8-bit RGB) and exactly the audio
// samples of the same interval, so that in total
// samples = round(frames/fps·sample_rate).
//
// The architecture and tensor names are specified in model/demo/SPEC.md
// and train/demo_model.py (the reference); weights bind under the
// checkpoint prefixes "video_vae." and "audio_vae.".
package vae
