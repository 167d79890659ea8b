package eval

import (
	"slices"
	"strings"

	"github.com/lockstep-av/lockstep/scene"
)

// CaptionGroup is a phrase of a caption naming balls: "two small red balls"
// is {Count: 2, Size: "small", Colour: "red"}. Size or Colour is empty when
// the phrase does not say it.
type CaptionGroup struct {
	Count  int    `json:"count"`
	Size   string `json:"size,omitempty"`
	Colour string `json:"colour,omitempty"`
}

// countWords are the number words a caption may use.
var countWords = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}

// ParseCaption reads the ball groups of a caption: a number word starts a
// group, size and colour words (of the scene palette) fill it, and "ball" or
// "balls" closes it; a group not closed by a noun is discarded ("a grey
// floor"). Words are case-insensitive; punctuation separates words.
func ParseCaption(caption string) []CaptionGroup {
	var out []CaptionGroup
	var cur *CaptionGroup
	for _, w := range scene.Words(strings.ToLower(caption)) {
		if n, ok := countWords[w]; ok {
			cur = &CaptionGroup{Count: n}
			continue
		}
		if cur == nil {
			continue
		}
		switch {
		case w == "ball" || w == "balls":
			out = append(out, *cur)
			cur = nil
		case isSize(w):
			cur.Size = w
		case isColour(w):
			cur.Colour = w
		default:
			cur = nil
		}
	}
	return out
}

func isSize(w string) bool {
	return slices.ContainsFunc(scene.Sizes, func(s scene.SizeClass) bool { return s.Name == w })
}

func isColour(w string) bool {
	return slices.ContainsFunc(scene.Colours, func(c scene.Colour) bool { return c.Name == w })
}

// CaptionCounts sums the groups per colour ("" for groups without one) and
// in total.
func CaptionCounts(gs []CaptionGroup) (perColour map[string]int, total int) {
	perColour = map[string]int{}
	for _, g := range gs {
		perColour[g.Colour] += g.Count
		total += g.Count
	}
	return perColour, total
}
