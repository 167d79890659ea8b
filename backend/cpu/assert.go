package cpu

import "github.com/lockstep-av/lockstep/backend"

var _ backend.Context = (*Context)(nil)
var _ backend.Backend = (*Backend)(nil)
