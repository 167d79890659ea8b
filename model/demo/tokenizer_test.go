package demo

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestTokenizer(t *testing.T) {
	_, m, _, _ := golden(t)
	tok := m.Tokenizer
	id := func(w string) int { return slices.Index(m.Config.Vocabulary, w) }
	bos := id(BOSToken)
	cases := []struct {
		caption string
		want    []int  // nil when an error is expected
		err     string // substring of the error
	}{
		{"", []int{bos}, ""},
		{"  ,. ", []int{bos}, ""},
		{"red ball", []int{bos, id("red"), id("ball")}, ""},
		{"Red BALL.", []int{bos, id("red"), id("ball")}, ""},
		{"two small red balls, bounce on a grey floor.", []int{bos, id("two"), id("small"), id("red"), id("balls"),
			id("bounce"), id("on"), id("a"), id("grey"), id("floor")}, ""},
		{"a,ball.on  the floor", []int{bos, id("a"), id("ball"), id("on"), id("the"), id("floor")}, ""},
		{"a purple dog", nil, `unknown word "dog" (vocabulary: a against and`},
		{"a pink dog and a PINK cat", nil, `unknown words "pink", "dog", "cat" (vocabulary: `},
		{"ball! bounces", nil, `unknown word "ball!"`},
		{"a <bos> ball", nil, `unknown word "<bos>"`},
		{"<pad>", nil, `unknown word "<pad>"`},
		{strings.Repeat("ball ", 32), nil, "caption has 33 tokens (<bos> and 32 words), the model takes at most 32"},
	}
	for _, c := range cases {
		got, err := tok.Encode(c.caption)
		if c.want != nil {
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("Encode(%q) = %v, %v; want %v", c.caption, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Encode(%q) = %v, %v; want error containing %q", c.caption, got, err, c.err)
		}
	}
	if ids, err := tok.Encode(strings.Repeat("ball ", 31)); err != nil || len(ids) != 32 {
		t.Errorf("31 words: %d ids, %v", len(ids), err)
	}

	_, err := tok.Encode("a dog")
	var ue *UnknownWordsError
	if !errors.As(err, &ue) || !slices.Equal(ue.Words, []string{"dog"}) || slices.Contains(ue.Vocabulary, BOSToken) || len(ue.Vocabulary) != 38 {
		t.Errorf("unknown words error %#v", err)
	}
	if got := tok.Decode([]int{bos, id("red"), 99}); !slices.Equal(got, []string{BOSToken, "red", "<99?>"}) {
		t.Errorf("Decode = %v", got)
	}
	if !slices.Equal(tok.Null(), []int{bos}) {
		t.Errorf("Null = %v", tok.Null())
	}
}
