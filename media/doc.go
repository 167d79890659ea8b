// Package media writes and reads the clips the pipeline produces: video
// frames and the audio of exactly the same time interval, streamed one
// lockstep window at a time.
//
// Writers (all behind [Writer], chosen by [Create] from the output path):
//
//   - .avi: RIFF AVI written in pure Go, MJPEG video and 16-bit PCM audio
//     interleaved per frame (each video chunk is followed by the audio of
//     that frame's interval), with a legacy idx1 index and OpenDML (AVI 2.0)
//     super and standard indexes, so files beyond 1 GiB continue in RIFF
//     'AVIX' segments.
//   - .wav: RIFF WAVE, 16-bit PCM or 32-bit float.
//   - a directory (path ending in a separator): frame_00000.png, ... and
//     audio.wav.
//   - .mp4: H.264 + AAC through an ffmpeg child process fed raw RGB24
//     frames on its stdin and float32 audio on a second pipe; asking for MP4
//     without ffmpeg on PATH is an error that names the alternatives.
//
// Every writer writes to a temporary "NAME.partial" next to the target and
// renames it on a successful Close, so an aborted or failed run never leaves
// a complete-looking file; Abort removes the partial output.
//
// Audio and video share one clock: frame i covers the samples
// [round(i/fps·sr), round((i+1)/fps·sr)), so after F frames a writer holds
// exactly round(F/fps·sr) samples. Writers pad missing audio with silence
// on Close and drop audio beyond the last frame; [Params.Strict] turns any
// mismatch into an error instead.
//
// Readers: [ReadWAV] and [OpenAVI] (a minimal AVI parser that decodes the
// MJPEG frames and PCM audio this package writes, and reports the chunk
// order and indexes for structural checks). Both are fuzzed and return
// errors, never panic, on malformed input.
//
// Preview helpers: [Scale], [Thumbnail], [Spritesheet] and the streaming
// [PreviewCollector].
package media
