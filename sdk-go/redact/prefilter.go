package redact

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// prefilter is a cheap, conservative test derived from a pattern's syntax
// tree: when mayMatch is false the regular expression cannot match, so the
// common case (a value with nothing to redact) skips the regexp engine. It
// may say true for values that do not match; it never says false for one
// that does.
type prefilter struct {
	minLen int
	req    requirement
	// minHits is, for a class requirement, how many bytes of the class
	// every match contains at least (13 digits for a card number).
	minHits int
}

type reqKind uint8

const (
	reqNone  reqKind = iota // nothing known: always run the regexp
	reqLits                 // one of lits occurs in every match
	reqClass                // a byte of class occurs in every match
)

type literal struct {
	s    string // lower-cased when fold
	fold bool   // matched ignoring ASCII case
}

type requirement struct {
	kind  reqKind
	lits  []literal
	class *[256]bool
}

func newPrefilter(expr string) (prefilter, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return prefilter{}, err
	}
	p := prefilter{minLen: minLen(re), req: required(re)}
	if p.req.kind == reqClass {
		p.minHits = max(1, minHits(re, p.req.class))
	}
	return p, nil
}

func (p *prefilter) mayMatch(s string) bool {
	if len(s) < p.minLen {
		return false
	}
	switch p.req.kind {
	case reqLits:
		for _, l := range p.req.lits {
			if l.fold {
				if indexFold(s, l.s) >= 0 {
					return true
				}
			} else if strings.Contains(s, l.s) {
				return true
			}
		}
		// Unicode case folding maps some non-ASCII runes onto ASCII letters
		// (K and the Kelvin sign, s and the long s), which the ASCII fold
		// above does not see: such input goes to the regexp.
		return p.req.hasFold() && !isASCII(s)
	case reqClass:
		hits := 0
		for i := 0; i < len(s); i++ {
			if p.req.class[s[i]] {
				if hits++; hits >= p.minHits {
					return true
				}
			}
		}
		return false
	}
	return true
}

func (r requirement) hasFold() bool {
	for _, l := range r.lits {
		if l.fold {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// score ranks requirements: long literals reject most values cheaply, small
// byte classes less so, and nothing known is worst.
func (r requirement) score() int {
	switch r.kind {
	case reqLits:
		shortest := int(^uint(0) >> 1)
		for _, l := range r.lits {
			shortest = min(shortest, len(l.s))
		}
		return 100 + 10*shortest - len(r.lits)
	case reqClass:
		n := 0
		for _, in := range r.class {
			if in {
				n++
			}
		}
		return 100 - min(n, 99)
	}
	return 0
}

// required returns what every match of re must contain.
func required(re *syntax.Regexp) requirement {
	switch re.Op {
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		s := string(re.Rune)
		if fold {
			if !isASCII(s) {
				return requirement{}
			}
			s = strings.ToLower(s)
		}
		return requirement{kind: reqLits, lits: []literal{{s: s, fold: fold}}}
	case syntax.OpCharClass:
		return requirement{kind: reqClass, class: classBytes(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		var best requirement
		for _, sub := range re.Sub {
			if r := required(sub); r.score() > best.score() {
				best = r
			}
		}
		return best
	case syntax.OpAlternate:
		return alternation(re.Sub)
	}
	return requirement{}
}

// alternation: every branch must require something, and the union of those
// requirements is required. A literal that must occur implies its first
// byte does, which lets literal and class branches merge.
func alternation(subs []*syntax.Regexp) requirement {
	reqs := make([]requirement, len(subs))
	allLits := true
	for i, sub := range subs {
		reqs[i] = required(sub)
		switch reqs[i].kind {
		case reqNone:
			return requirement{}
		case reqClass:
			allLits = false
		}
	}
	if allLits {
		out := requirement{kind: reqLits}
		for _, r := range reqs {
			out.lits = append(out.lits, r.lits...)
		}
		return out
	}
	class := new([256]bool)
	for _, r := range reqs {
		if r.kind == reqClass {
			for b, in := range r.class {
				class[b] = class[b] || in
			}
			continue
		}
		for _, l := range r.lits {
			if l.s == "" {
				return requirement{}
			}
			c := l.s[0]
			class[c] = true
			if l.fold {
				class[strings.ToUpper(string(c))[0]] = true
				markNonASCII(class) // folded non-ASCII forms
			}
		}
	}
	return requirement{kind: reqClass, class: class}
}

// classBytes turns rune ranges into the bytes that can start a member: the
// ASCII members themselves, and every byte from 0x80 up for any non-ASCII
// member (a multi-byte rune contains only such bytes).
func classBytes(ranges []rune) *[256]bool {
	class := new([256]bool)
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
			class[r] = true
		}
		if hi >= utf8.RuneSelf {
			markNonASCII(class)
		}
	}
	return class
}

func markNonASCII(class *[256]bool) {
	for b := utf8.RuneSelf; b < 256; b++ {
		class[b] = true
	}
}

// minLen is a lower bound on the byte length of any match.
func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune) // every rune is at least one byte
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpPlus:
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += minLen(sub)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := minLen(sub); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

// minHits is a lower bound on how many bytes of class any match of re
// contains. Only parts that can match nothing but class members count.
func minHits(re *syntax.Regexp, class *[256]bool) int {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return 0 // a folded letter may have forms outside class
		}
		n := 0
		for _, r := range re.Rune {
			if r < utf8.RuneSelf && class[r] {
				n++
			}
		}
		return n
	case syntax.OpCharClass:
		if classWithin(re.Rune, class) {
			return 1
		}
		return 0
	case syntax.OpCapture, syntax.OpPlus:
		return minHits(re.Sub[0], class)
	case syntax.OpRepeat:
		return re.Min * minHits(re.Sub[0], class)
	case syntax.OpConcat:
		n := 0
		for _, sub := range re.Sub {
			n += minHits(sub, class)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, sub := range re.Sub {
			if m := minHits(sub, class); n < 0 || m < n {
				n = m
			}
		}
		return max(n, 0)
	}
	return 0
}

// classWithin reports whether every rune of ranges has a first byte in
// class (a multi-byte rune's first byte is 0x80 or above).
func classWithin(ranges []rune, class *[256]bool) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
			if !class[r] {
				return false
			}
		}
		if hi >= utf8.RuneSelf {
			for b := 0xC0; b < 256; b++ {
				if !class[b] {
					return false
				}
			}
		}
	}
	return true
}

// triggers marks the bytes of which at least one occurs in every value
// that passes mayMatch: one byte per required literal, the rarest in
// ordinary text, or the whole class. One pass over a value then tells
// which patterns are worth a closer look.
func (p *prefilter) triggers() *[256]bool {
	t := new([256]bool)
	switch p.req.kind {
	case reqLits:
		for _, l := range p.req.lits {
			if l.s == "" {
				return allBytes()
			}
			best := l.s[0]
			for i := 1; i < len(l.s); i++ {
				if commonness(l.s[i]) < commonness(best) {
					best = l.s[i]
				}
			}
			t[best] = true
			if l.fold {
				t[upper(best)] = true
				markNonASCII(t) // see mayMatch: non-ASCII input may fold
			}
		}
	case reqClass:
		*t = *p.req.class
	default:
		return allBytes()
	}
	return t
}

func allBytes() *[256]bool {
	t := new([256]bool)
	for i := range t {
		t[i] = true
	}
	return t
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// letterPerMille is how often each lower-case letter occurs in English
// text, per thousand letters.
var letterPerMille = [26]int{
	82, 15, 28, 43, 127, 22, 20, 61, 70, 2, 8, 40, 24, 67, 75, 19, 1, 60, 63, 91, 28, 10, 24, 2, 20, 1,
}

// commonness ranks bytes by how often they appear in log messages and
// attribute values; it only steers speed, never what matches.
func commonness(c byte) int {
	switch {
	case c == ' ':
		return 150
	case 'a' <= c && c <= 'z':
		return letterPerMille[c-'a']
	case '0' <= c && c <= '9':
		return 20
	case c == '.':
		return 30
	case c == '-' || c == '_':
		return 10
	default: // upper case and other punctuation
		return 5
	}
}
