package scene

import (
	"math"
	"sort"
)

// Surface names what a ball hit.
type Surface string

// The surfaces of the box.
const (
	Floor     Surface = "floor"
	WallLeft  Surface = "wall_left"
	WallRight Surface = "wall_right"
	Ceiling   Surface = "ceiling"
)

// Point is a ball centre (x, y) in pixels.
type Point [2]float64

// Impact is one ball-surface collision.
type Impact struct {
	// Time of the contact in seconds from the start of the clip.
	Time float64 `json:"time"`
	// Sample is the first audio sample of the impact's tone: ceil(Time*SampleRate).
	Sample  int     `json:"sample"`
	Ball    int     `json:"ball"`
	Surface Surface `json:"surface"`
	// Speed is the incoming normal speed in px/s.
	Speed float64 `json:"speed"`
	// Strength is Speed relative to a fall over the full frame height,
	// clamped to [0, 1]; the tone's amplitude is proportional to it.
	Strength float64 `json:"strength"`
}

// Simulation is the result of [Simulate].
type Simulation struct {
	// Tracks[b][f] is the centre of ball b at frame f (time f/FPS).
	Tracks [][]Point
	// Impacts over the clip's duration, by time (then ball).
	Impacts []Impact
}

// settleHeight is the bounce height in pixels below which a ball stops
// bouncing and rolls.
const settleHeight = 0.25

// maxEventsPerStep guards against an endless event loop in one sub-step; it is
// far above what any valid scene produces.
const maxEventsPerStep = 1000

// ball is the state of one ball during simulation.
type ball struct {
	x, y, vx, vy    float64
	rolling, atRest bool
}

// world holds the constants of one simulation.
type world struct {
	w, h, r, g, e, mu, roll, vSettle, vRef float64
	ceiling                                bool
}

// Simulate runs the physics of s and returns the per-frame ball tracks and
// every impact in [0, Duration). Each ball is simulated independently (no
// ball-ball collisions, see the package documentation).
func Simulate(s *Spec) *Simulation {
	sim := &Simulation{Tracks: make([][]Point, len(s.Balls))}
	for i := range s.Balls {
		tr, im := simulateBall(s, i)
		sim.Tracks[i] = tr
		sim.Impacts = append(sim.Impacts, im...)
	}
	sort.SliceStable(sim.Impacts, func(a, b int) bool {
		if sim.Impacts[a].Time != sim.Impacts[b].Time {
			return sim.Impacts[a].Time < sim.Impacts[b].Time
		}
		return sim.Impacts[a].Ball < sim.Impacts[b].Ball
	})
	return sim
}

func simulateBall(s *Spec, bi int) ([]Point, []Impact) {
	bs := s.Balls[bi]
	wd := world{
		w: float64(s.Size.W), h: float64(s.Size.H), r: bs.Radius, g: s.Gravity,
		e: s.Restitution, mu: s.Friction, roll: s.RollDecel, ceiling: s.Ceiling,
	}
	wd.vSettle = math.Sqrt(2 * wd.g * settleHeight)
	wd.vRef = math.Sqrt(2 * wd.g * wd.h)
	b := ball{x: bs.X0, y: bs.Y0, vx: bs.VX0, vy: bs.VY0}
	track := make([]Point, 0, s.Frames)
	var impacts []Impact
	const stepsPerSecond = FPS * SubSteps
	for step := 0; step < s.Frames*SubSteps; step++ {
		if step%SubSteps == 0 {
			track = append(track, Point{b.x, b.y})
		}
		t0 := float64(step) / stepsPerSecond
		left := float64(step+1)/stepsPerSecond - t0
		elapsed := 0.0
		for range maxEventsPerStep {
			tau, surf := wd.nextEvent(&b, left)
			if surf == "" {
				wd.advance(&b, left)
				break
			}
			wd.advance(&b, tau)
			left -= tau
			elapsed += tau
			if im, ok := wd.resolve(&b, surf); ok {
				im.Time = t0 + elapsed
				im.Sample = int(math.Ceil(im.Time * SampleRate))
				im.Ball = bi
				impacts = append(impacts, im)
			}
		}
	}
	return track, impacts
}

// stop is the pseudo-surface of a rolling ball coming to rest.
const stop Surface = "stop"

// nextEvent returns the time until b's next contact (or stop) if it is at most
// within, else "".
func (wd *world) nextEvent(b *ball, within float64) (float64, Surface) {
	if b.atRest {
		return 0, ""
	}
	best, surf := within, Surface("")
	consider := func(tau float64, s Surface) {
		if tau > 0 && tau <= best && (surf == "" || tau < best) {
			best, surf = tau, s
		}
	}
	if b.rolling {
		a := wd.roll
		sp := math.Abs(b.vx)
		tStop := sp / a
		var dx float64
		if b.vx > 0 {
			dx = wd.w - wd.r - b.x
		} else {
			dx = b.x - wd.r
		}
		// Solve dx = sp*tau - a*tau²/2 for the first root (stable form).
		if d := sp*sp - 2*a*dx; d >= 0 && sp > 0 {
			tau := 2 * dx / (sp + math.Sqrt(d))
			if b.vx > 0 {
				consider(tau, WallRight)
			} else {
				consider(tau, WallLeft)
			}
		}
		consider(tStop, stop)
		return best, surf
	}
	// Floor: g/2 tau² + vy tau - dy = 0, the root where the ball descends.
	dy := wd.h - wd.r - b.y
	sq := math.Sqrt(math.Max(b.vy*b.vy+2*wd.g*dy, 0))
	if b.vy < 0 {
		consider((-b.vy+sq)/wd.g, Floor)
	} else if b.vy+sq > 0 {
		consider(2*dy/(b.vy+sq), Floor)
	}
	if wd.ceiling && b.vy < 0 {
		dc := b.y - wd.r
		if d := b.vy*b.vy - 2*wd.g*dc; d >= 0 {
			consider(2*dc/(-b.vy+math.Sqrt(d)), Ceiling)
		}
	}
	if b.vx > 0 {
		consider((wd.w-wd.r-b.x)/b.vx, WallRight)
	} else if b.vx < 0 {
		consider((b.x-wd.r)/-b.vx, WallLeft)
	}
	return best, surf
}

// advance moves b by tau seconds of contact-free motion.
func (wd *world) advance(b *ball, tau float64) {
	switch {
	case b.atRest:
	case b.rolling:
		a := math.Copysign(wd.roll, b.vx)
		b.x += b.vx*tau - 0.5*a*tau*tau
		b.vx -= a * tau
	default:
		b.x += b.vx * tau
		b.y += b.vy*tau + 0.5*wd.g*tau*tau
		b.vy += wd.g * tau
	}
}

// resolve applies the contact surf to b and returns the impact it makes
// (false for a rolling ball coming to rest).
func (wd *world) resolve(b *ball, surf Surface) (Impact, bool) {
	var speed float64
	switch surf {
	case stop:
		b.vx, b.atRest = 0, true
		return Impact{}, false
	case Floor:
		speed = b.vy
		b.y = wd.h - wd.r
		b.vy = -wd.e * speed
		b.vx *= 1 - wd.mu
		if -b.vy < wd.vSettle {
			b.vy, b.rolling = 0, true
			b.atRest = b.vx == 0
		}
	case Ceiling:
		speed = -b.vy
		b.y = wd.r
		b.vy = wd.e * speed
	case WallLeft, WallRight:
		speed = math.Abs(b.vx)
		b.x = wd.r
		if surf == WallRight {
			b.x = wd.w - wd.r
		}
		b.vx = -wd.e * b.vx
	}
	return Impact{Surface: surf, Speed: speed, Strength: math.Min(1, speed/wd.vRef)}, true
}
