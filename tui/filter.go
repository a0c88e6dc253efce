package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"
)

// How well a word of the query matches a row, best first: the ranking
// puts whole words and prefixes before letters scattered along a field.
const (
	wholeWord = iota // "db" in prod/db/password
	prefix           // "pass" in prod/db/password
	inside           // "word" in prod/db/password
	scattered        // "pdw": its letters in order within one field
	qualities        // how many there are
)

// queryWords are the words of a filter query, lower case. A NUL, which
// separates a row's fields, is dropped so that no word spans two fields.
func queryWords(q string) []string {
	return strings.Fields(strings.ToLower(strings.ReplaceAll(q, fieldSep, "")))
}

// byteSet has a bit for each byte value of s, modulo 64.
func byteSet(s string) uint64 {
	var set uint64
	for i := 0; i < len(s); i++ {
		set |= 1 << (s[i] & 63)
	}
	return set
}

// wordStarts lists the offsets in key where a word can start (the first
// byte, and each one after a byte that ends words), one byte each; ""
// if key is longer than a byte can point into.
func wordStarts(key string) string {
	if len(key) > 255 {
		return ""
	}
	starts := make([]byte, 0, 16)
	for i := 0; i < len(key); i++ {
		if i == 0 || !isWordByte(key[i-1]) {
			starts = append(starts, byte(i))
		}
	}
	return string(starts)
}

// rankOf is how well every word matches r's key (0 is best), or false if
// one does not match at all. need is the byteSet of the words.
func rankOf(r *row, words []string, need uint64) (int, bool) {
	if r.bytes&need != need {
		return 0, false
	}
	rank := 0
	for _, w := range words {
		q, ok := wordQuality(r, w)
		if !ok {
			return 0, false
		}
		rank += q
	}
	return rank, true
}

// wordQuality is the best quality of word's matches in r's key. It looks
// for whole words and prefixes at the word starts only.
func wordQuality(r *row, word string) (int, bool) {
	key := r.key
	if r.starts == "" {
		if at, ok := bestOccurrence(key, word); ok {
			return qualityAt(key, at, len(word)), true
		}
	}
	best := qualities
	for k := 0; k < len(r.starts); k++ {
		i := int(r.starts[k])
		// The first byte alone rules out most starts, without a call.
		if key[i] == word[0] && strings.HasPrefix(key[i:], word) {
			if end := i + len(word); end == len(key) || !isWordByte(key[end]) {
				return wholeWord, true
			}
			best = prefix
		}
	}
	switch {
	case best == prefix:
		return prefix, true
	case r.starts != "":
		if strings.Contains(key, word) {
			return inside, true
		}
	}
	if inOneField(key, word) {
		return scattered, true
	}
	return 0, false
}

// qualityAt is the quality of an n-byte match at i of s.
func qualityAt(s string, i, n int) int {
	starts := i == 0 || !isWordByte(s[i-1])
	ends := i+n == len(s) || !isWordByte(s[i+n])
	switch {
	case starts && ends:
		return wholeWord
	case starts:
		return prefix
	}
	return inside
}

// isWordByte reports whether b belongs to a word: a letter, a digit, or a
// byte of a multi-byte character. Slashes, dashes, dots, underscores and
// the field separator end words.
func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// rankHits keeps the rows of candidates (indexes into all, in the order
// of all) that keep accepts and that every word matches, and returns
// them twice: in the order of all, for the next keystroke to narrow, and
// ranked: best match first, then the most urgent, then in the order of
// all. The ranking is a counting sort, linear in the rows: a comparison
// sort of 100,000 rows would cost a frame.
func rankHits(all []row, candidates []int, words []string, keep func(*row) bool) (hits, ranked []int) {
	hits = make([]int, 0, len(candidates))
	if len(words) == 0 {
		for _, i := range candidates {
			if keep(&all[i]) {
				hits = append(hits, i)
			}
		}
		return hits, hits
	}
	need := byteSet(strings.Join(words, ""))
	urgencies := len(statusOrder) + 1 // an unknown status (-1) goes last
	buckets := make([]int32, 0, len(candidates))
	for _, i := range candidates {
		r := &all[i]
		if !keep(r) {
			continue
		}
		if rank, ok := rankOf(r, words, need); ok {
			hits = append(hits, i)
			buckets = append(buckets, int32(rank*urgencies+urgencyBucket(r.urgency, urgencies)))
		}
	}
	return hits, sortByBucket(hits, buckets, (qualities*len(words)+1)*urgencies)
}

// sortByBucket orders items by their buckets (each below n), keeping the
// order of the items in a bucket: a counting sort.
func sortByBucket(items []int, buckets []int32, n int) []int {
	next := make([]int, n+1) // where the next item of each bucket goes
	for _, b := range buckets {
		next[b+1]++
	}
	for b := 1; b <= n; b++ {
		next[b] += next[b-1]
	}
	sorted := make([]int, len(items))
	for k, item := range items {
		sorted[next[buckets[k]]] = item
		next[buckets[k]]++
	}
	return sorted
}

func urgencyBucket(u, buckets int) int {
	if u < 0 {
		return buckets - 1
	}
	return u
}

// everyRow is the indexes of n rows, in order.
func everyRow(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// matchMarks marks the bytes of text (lower-cased) that the words match,
// as the ranking found them: the best contiguous match of each word, else
// its letters in order. nil if nothing matches.
func matchMarks(text string, words []string) []bool {
	if len(words) == 0 {
		return nil
	}
	lower := strings.ToLower(text)
	if len(lower) != len(text) { // a character changed size: positions would not line up
		return nil
	}
	var marks []bool
	mark := func(i int) {
		if marks == nil {
			marks = make([]bool, len(text))
		}
		marks[i] = true
	}
	for _, w := range words {
		if at, ok := bestOccurrence(lower, w); ok {
			for k := range len(w) {
				mark(at + k)
			}
			continue
		}
		if pos := subsequenceAt(lower, w); pos != nil {
			for _, k := range pos {
				mark(k)
			}
		}
	}
	return marks
}

// bestOccurrence is where word matches s best, contiguously.
func bestOccurrence(s, word string) (int, bool) {
	best, at := qualities, -1
	for from := 0; best > wholeWord; {
		i := strings.Index(s[from:], word)
		if i < 0 {
			break
		}
		if q := qualityAt(s, from+i, len(word)); q < best {
			best, at = q, from+i
		}
		from += i + 1
	}
	return at, at >= 0
}

// subsequenceAt is where the bytes of sub appear in s in order, leftmost
// first, or nil.
func subsequenceAt(s, sub string) []int {
	pos := make([]int, 0, len(sub))
	from := 0
	for i := 0; i < len(sub); i++ {
		k := strings.IndexByte(s[from:], sub[i])
		if k < 0 {
			return nil
		}
		pos = append(pos, from+k)
		from += k + 1
	}
	return pos
}

// markedCell draws text cut or padded to exactly w cells in base, with
// the marked bytes in hl.
func markedCell(text string, w int, marks []bool, base, hl lipgloss.Style) string {
	if marks == nil {
		return base.Render(pad(text, w))
	}
	shown := text
	ellipsis := ""
	if runewidth.StringWidth(text) > w {
		shown = runewidth.Truncate(text, w-1, "")
		ellipsis = "…"
	}
	var b strings.Builder
	start := 0
	for i := range shown {
		if i > start && marks[i] != marks[start] {
			b.WriteString(styleOf(marks[start], base, hl).Render(shown[start:i]))
			start = i
		}
	}
	if start < len(shown) {
		b.WriteString(styleOf(marks[start], base, hl).Render(shown[start:]))
	}
	fill := w - runewidth.StringWidth(shown)
	b.WriteString(base.Render(ellipsis + strings.Repeat(" ", max(0, fill-len([]rune(ellipsis))))))
	return b.String()
}

func styleOf(marked bool, base, hl lipgloss.Style) lipgloss.Style {
	if marked {
		return hl
	}
	return base
}
