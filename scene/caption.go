package scene

import (
	"sort"
	"strings"
)

// The caption grammar:
//
//	caption := groups verb background
//	groups  := group | group "and" group | group "," group "and" group
//	group   := number size colour noun
//	number  := "a" | "two" | "three"
//	noun    := "ball" | "balls"
//	verb    := a phrase of the clip's motion, singular or plural (verbPhrases)
//	background := the backdrop's phrase ("on a grey floor", "in a dark room", ...)
//
// Balls of the same size and colour form one group, groups appear in the order
// of their first ball, and the verb agrees with the total number of balls.

// numberWords maps a count to its caption word (index 0 unused).
var numberWords = []string{"", "a", "two", "three"}

// verbPhrases lists per motion the verb phrases as {singular, plural}.
var verbPhrases = map[Motion][][2]string{
	Dropped: {
		{"falls", "fall"},
		{"is dropped", "are dropped"},
		{"bounces", "bounce"},
	},
	Thrown: {
		{"is thrown against the wall", "are thrown against the wall"},
		{"bounces off the wall", "bounce off the wall"},
	},
}

// Group is a set of balls of one size and colour in a caption.
type Group struct {
	Count  int
	Size   string
	Colour string
}

// Groups returns the caption groups of s in order of first appearance.
func Groups(s *Spec) []Group {
	var gs []Group
	for _, b := range s.Balls {
		found := false
		for i := range gs {
			if gs[i].Size == b.Size.Name && gs[i].Colour == b.Colour.Name {
				gs[i].Count++
				found = true
				break
			}
		}
		if !found {
			gs = append(gs, Group{1, b.Size.Name, b.Colour.Name})
		}
	}
	return gs
}

// Caption describes s in one sentence of the grammar, e.g. "two small red
// balls bounce on a grey floor".
func Caption(s *Spec) string {
	var parts []string
	for _, g := range Groups(s) {
		noun := "ball"
		if g.Count > 1 {
			noun = "balls"
		}
		parts = append(parts, strings.Join([]string{numberWords[g.Count], g.Size, g.Colour, noun}, " "))
	}
	subject := parts[0]
	switch len(parts) {
	case 2:
		subject = parts[0] + " and " + parts[1]
	case 3:
		subject = parts[0] + ", " + parts[1] + " and " + parts[2]
	}
	vp := verbPhrases[s.Motion][s.Verb]
	verb := vp[0]
	if len(s.Balls) > 1 {
		verb = vp[1]
	}
	return subject + " " + verb + " " + s.Background.Phrase
}

// Words splits a caption into its words, dropping punctuation.
func Words(caption string) []string {
	return strings.FieldsFunc(caption, func(r rune) bool { return r == ' ' || r == ',' || r == '.' })
}

// Vocabulary returns, sorted, every word the caption grammar can produce.
func Vocabulary() []string {
	set := map[string]bool{"ball": true, "balls": true, "and": true}
	add := func(phrase string) {
		for _, w := range Words(phrase) {
			set[w] = true
		}
	}
	for _, w := range numberWords[1:] {
		add(w)
	}
	for _, sz := range Sizes {
		add(sz.Name)
	}
	for _, c := range Colours {
		add(c.Name)
	}
	for _, vps := range verbPhrases {
		for _, vp := range vps {
			add(vp[0])
			add(vp[1])
		}
	}
	for _, bg := range Backgrounds {
		add(bg.Phrase)
	}
	words := make([]string, 0, len(set))
	for w := range set {
		words = append(words, w)
	}
	sort.Strings(words)
	return words
}
