package scene

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// parseSubject reads the ball groups back from a caption with a parser that
// does not share code with Caption: it scans for "<number> <size> <colour>
// ball|balls" word windows.
func parseSubject(words []string) map[string]int {
	counts := map[string]int{"a": 1, "two": 2, "three": 3}
	got := map[string]int{}
	for i := 0; i+3 < len(words); i++ {
		n, ok := counts[words[i]]
		if ok && (words[i+3] == "ball" || words[i+3] == "balls") {
			got[words[i+1]+" "+words[i+2]] += n
		}
	}
	return got
}

func TestCaptionMatchesScene(t *testing.T) {
	vocab := map[string]bool{}
	for _, w := range Vocabulary() {
		vocab[w] = true
	}
	used := map[string]bool{}
	for i := range 400 {
		s := NewSpec(13, i)
		c := Caption(s)
		words := Words(c)
		for _, w := range words {
			used[w] = true
			if !vocab[w] {
				t.Errorf("clip %d: caption %q uses %q, not in Vocabulary()", i, c, w)
			}
		}
		want := map[string]int{}
		for _, b := range s.Balls {
			want[b.Size.Name+" "+b.Colour.Name]++
		}
		if got := parseSubject(words); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("clip %d: caption %q describes %v, scene has %v", i, c, got, want)
		}
		if !strings.HasSuffix(c, " "+s.Background.Phrase) {
			t.Errorf("clip %d: caption %q does not end with %q", i, c, s.Background.Phrase)
		}
		thrownWords := slices.Contains(words, "thrown") || slices.Contains(words, "wall")
		if thrownWords != (s.Motion == Thrown) {
			t.Errorf("clip %d: caption %q for motion %s", i, c, s.Motion)
		}
		plural := len(s.Balls) > 1
		for _, v := range []string{"falls", "bounces", "is"} {
			if slices.Contains(words, v) && plural {
				t.Errorf("clip %d: singular verb %q with %d balls: %q", i, v, len(s.Balls), c)
			}
		}
		for _, v := range []string{"fall", "bounce", "are"} {
			if slices.Contains(words, v) && !plural {
				t.Errorf("clip %d: plural verb %q with one ball: %q", i, v, c)
			}
		}
	}
	for w := range vocab {
		if !used[w] {
			t.Errorf("vocabulary word %q never used in 400 captions", w)
		}
	}
}

func TestThrownBallsHitTheWall(t *testing.T) {
	for i := range testClips {
		s := NewSpec(17, i)
		if s.Motion == Thrown && !everyBallHitsWall(s) {
			t.Errorf("clip %d: thrown, but a ball never hits a wall", i)
		}
	}
}

func TestCaptionExamples(t *testing.T) {
	red, blue := Colours[0], Colours[2]
	small, large := Sizes[0], Sizes[2]
	tests := []struct {
		balls  []BallSpec
		motion Motion
		verb   int
		bg     int
		want   string
	}{
		{[]BallSpec{{Colour: red, Size: small}, {Colour: red, Size: small}}, Dropped, 2, 0, "two small red balls bounce on a grey floor"},
		{[]BallSpec{{Colour: blue, Size: large}}, Thrown, 0, 0, "a large blue ball is thrown against the wall on a grey floor"},
		{[]BallSpec{{Colour: blue, Size: large}, {Colour: red, Size: small}}, Dropped, 0, 1, "a large blue ball and a small red ball fall in a dark room"},
		{[]BallSpec{{Colour: red, Size: small}, {Colour: blue, Size: large}, {Colour: red, Size: large}}, Dropped, 1, 2,
			"a small red ball, a large blue ball and a large red ball are dropped under a blue sky"},
	}
	for _, tc := range tests {
		s := &Spec{Balls: tc.balls, Motion: tc.motion, Verb: tc.verb, Background: Backgrounds[tc.bg]}
		if got := Caption(s); got != tc.want {
			t.Errorf("Caption = %q, want %q", got, tc.want)
		}
	}
}
