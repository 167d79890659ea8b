// Package sceneio writes generated scene clips to disk in formats that
// PyTorch training scripts and humans read cheaply: NumPy .npy arrays (frames
// as uint8 [F,H,W,3], audio as float32 [N]), 16-bit PCM WAV files and PNG
// spritesheets for previews.
package sceneio
