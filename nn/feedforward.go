package nn

import (
	"fmt"

	"github.com/lockstep-av/lockstep/backend"
)

// FeedForward is the transformer MLP Down(Act(Up(x))), bound as Wan's
// nn.Sequential(Linear, GELU(approximate="tanh"), Linear): the two linears
// are entries "0" and "2".
type FeedForward struct {
	Up   Linear     `weight:"0"` // Weight [hidden, dim]
	Down Linear     `weight:"2"` // Weight [dim, hidden]
	Act  Activation // zero value GELUTanh
}

// Forward maps x [..., dim] to [..., dim].
func (f *FeedForward) Forward(ctx backend.Context, x backend.Tensor) backend.Tensor {
	return f.Down.Forward(ctx, f.Act.Apply(ctx, f.Up.Forward(ctx, x)))
}

// Check reports whether Up and Down fit: Up [hidden, dim], Down [dim, hidden].
func (f *FeedForward) Check() error {
	if err := f.Up.Check(); err != nil {
		return fmt.Errorf("feed-forward up: %w", err)
	}
	if err := f.Down.Check(); err != nil {
		return fmt.Errorf("feed-forward down: %w", err)
	}
	if f.Down.In() != f.Up.Out() || f.Down.Out() != f.Up.In() {
		return fmt.Errorf("feed-forward: up %v and down %v do not fit", f.Up.Weight.Shape(), f.Down.Weight.Shape())
	}
	return nil
}
