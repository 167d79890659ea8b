package demo

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/lockstep-av/lockstep/scene"
)

// Words lower-cases a caption and splits it on spaces, commas and full
// stops (scene.Words), the words the tokenizer looks up.
func Words(caption string) []string {
	return scene.Words(strings.ToLower(caption))
}

// Tokenizer maps captions to token ids: [<bos>] followed by the id of each
// word (its index in the vocabulary). The vocabulary is closed: a word
// outside it is an error, not an unknown-token id.
type Tokenizer struct {
	vocab     []string
	index     map[string]int
	bos       int
	maxTokens int
}

// NewTokenizer builds the tokenizer of a validated config.
func NewTokenizer(c *Config) *Tokenizer {
	t := &Tokenizer{vocab: c.Vocabulary, index: make(map[string]int, len(c.Vocabulary)), maxTokens: c.Text.MaxTokens}
	for i, w := range c.Vocabulary {
		if _, dup := t.index[w]; !dup {
			t.index[w] = i
		}
	}
	t.bos = t.index[BOSToken]
	return t
}

// UnknownWordsError reports caption words outside the vocabulary.
type UnknownWordsError struct {
	Words      []string // the unknown words, in caption order, each once
	Vocabulary []string // the words a caption may use, sorted
}

func (e *UnknownWordsError) Error() string {
	q := make([]string, len(e.Words))
	for i, w := range e.Words {
		q[i] = strconv.Quote(w)
	}
	noun := "words"
	if len(q) == 1 {
		noun = "word"
	}
	return fmt.Sprintf("unknown %s %s (vocabulary: %s)", noun, strings.Join(q, ", "), strings.Join(e.Vocabulary, " "))
}

// TooLongError reports a caption with more tokens than the text encoder's
// position table.
type TooLongError struct {
	Tokens, Max int
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("caption has %d tokens (<bos> and %d words), the model takes at most %d", e.Tokens, e.Tokens-1, e.Max)
}

// Encode tokenizes a caption. An empty caption (or one of separators only)
// gives the null caption [<bos>]. Words outside the vocabulary give an
// *UnknownWordsError naming all of them; more than max_tokens tokens give
// a *TooLongError.
func (t *Tokenizer) Encode(caption string) ([]int, error) {
	words := Words(caption)
	ids := make([]int, 0, len(words)+1)
	ids = append(ids, t.bos)
	var unknown []string
	for _, w := range words {
		id, ok := t.index[w]
		if !ok || id == t.bos || w == PadToken {
			if !slices.Contains(unknown, w) {
				unknown = append(unknown, w)
			}
			continue
		}
		ids = append(ids, id)
	}
	if len(unknown) > 0 {
		return nil, &UnknownWordsError{Words: unknown, Vocabulary: t.Words()}
	}
	if len(ids) > t.maxTokens {
		return nil, &TooLongError{Tokens: len(ids), Max: t.maxTokens}
	}
	return ids, nil
}

// Null returns the null caption [<bos>] (classifier-free guidance).
func (t *Tokenizer) Null() []int { return []int{t.bos} }

// Words returns the vocabulary words a caption may use (special tokens
// excluded), sorted.
func (t *Tokenizer) Words() []string {
	out := make([]string, 0, len(t.vocab))
	for _, w := range t.vocab {
		if w != BOSToken && w != PadToken {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Decode maps ids back to words, special tokens included (for logs).
func (t *Tokenizer) Decode(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if id >= 0 && id < len(t.vocab) {
			out[i] = t.vocab[id]
		} else {
			out[i] = fmt.Sprintf("<%d?>", id)
		}
	}
	return out
}
