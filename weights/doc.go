// Package weights reads and writes safetensors files and binds their tensors
// to the fields of model structs.
//
// A safetensors file is an 8-byte little-endian header length N, N bytes of
// JSON describing each tensor (dtype, shape and [begin, end) byte offsets
// into the data section that follows), and the data section itself. An
// optional "__metadata__" entry maps strings to strings; model configs live
// there.
//
// Open memory-maps the file read-only (falling back to reading it where mmap
// is unavailable); Parse reads a file already in memory. Both validate the
// whole header before returning, so a truncated or lying file is a clear
// error rather than a crash later:
//
//   - the file holds at least the 8-byte length prefix;
//   - the header length is at most MaxHeaderSize and fits in the file;
//   - the header is one JSON object (only spaces may follow it) with no
//     duplicate keys;
//   - every entry has a dtype, a shape and data_offsets; the dtype is F32,
//     F16 or BF16 (other safetensors dtypes are reported by name as
//     unsupported); dimensions are non-negative and their product does not
//     overflow;
//   - begin <= end, end lies inside the data section (a truncated file says
//     how many bytes are missing), end-begin equals the dtype size times the
//     element count;
//   - tensors do not overlap and, like the reference safetensors loader,
//     cover the data section exactly: a gap between tensors or trailing bytes
//     after the last one is an error, so every file accepted here is accepted
//     by the reference implementation too;
//   - __metadata__, when present, maps strings to strings.
//
// Bind assigns tensors to backend.Tensor fields by struct tag and returns a
// single *BindError listing every missing, mis-shaped and (on request)
// unused tensor. Write produces files, for tests, tools and fixtures made in
// Go.
package weights
