package redact

import (
	"regexp/syntax"
	"slices"
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
	// reqs are what every match contains, all of them: a value missing
	// one cannot match. The most selective come first.
	reqs []requirement
}

type reqKind uint8

const (
	reqNone  reqKind = iota // nothing known: always run the regexp
	reqLits                 // one of lits occurs in every match
	reqClass                // minHits bytes of class occur in every match
)

type literal struct {
	s    string // lower-cased when fold
	fold bool   // matched ignoring ASCII case
}

type requirement struct {
	kind reqKind
	lits []literal
	// byFirst, set when lits has folded ones, lists them by the bytes
	// they start with, both cases of folded ones: they are looked for in
	// one pass over the value instead of one pass each.
	byFirst *[256][]literal
	// pairs, set with byFirst when every literal has two bytes or more,
	// has bit c2&63 of pairs[c1] set when some literal can start with c1
	// c2: most bytes that start a literal are passed over on it alone.
	pairs *[256]uint64
	class *[256]bool
	// minHits is, for a class, how many of its bytes every match holds at
	// least (13 digits for a card number).
	minHits int
}

// maxReqs bounds how many requirements mayMatch checks: each is a pass
// over the value.
const maxReqs = 3

// broadClass is the size from which a class requirement is dropped:
// nearly every value has such bytes, so checking costs more than it saves.
// Next to a literal requirement, classes over narrowClass bytes are.
const broadClass, narrowClass = 128, 16

func newPrefilter(expr string) (prefilter, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return prefilter{}, err
	}
	p := prefilter{minLen: minLen(re), reqs: required(re)}
	for i := range p.reqs {
		switch r := &p.reqs[i]; r.kind {
		case reqClass:
			r.minHits = max(1, minHits(re, r.class))
		case reqLits:
			if slices.ContainsFunc(r.lits, func(l literal) bool { return l.fold }) {
				r.byFirst, r.pairs = literalsByFirst(r.lits), literalPairs(r.lits)
			}
		}
	}
	// Literals are fast searches and a class one pass that stops early:
	// both go before a scan for folded literals.
	slices.SortStableFunc(p.reqs, func(a, b requirement) int { return a.checkCost() - b.checkCost() })
	return p, nil
}

// literalsByFirst indexes lits by first byte, nil if one is empty (it
// occurs anywhere).
func literalsByFirst(lits []literal) *[256][]literal {
	by := new([256][]literal)
	for _, l := range lits {
		if l.s == "" {
			return nil
		}
		by[l.s[0]] = append(by[l.s[0]], l)
		if u := upper(l.s[0]); l.fold && u != l.s[0] {
			by[u] = append(by[u], l)
		}
	}
	return by
}

// literalPairs returns the first two bytes lits can start with, nil if one
// is shorter than two.
func literalPairs(lits []literal) *[256]uint64 {
	pairs := new([256]uint64)
	for _, l := range lits {
		if len(l.s) < 2 {
			return nil
		}
		firsts, seconds := []byte{l.s[0]}, []byte{l.s[1]}
		if l.fold {
			firsts, seconds = append(firsts, upper(l.s[0])), append(seconds, upper(l.s[1]))
		}
		for _, c1 := range firsts {
			for _, c2 := range seconds {
				pairs[c1] |= 1 << (c2 & 63)
			}
		}
	}
	return pairs
}

func (r *requirement) checkCost() int {
	switch {
	case r.kind == reqClass:
		return 1
	case r.byFirst != nil:
		return 2
	}
	return 0
}

func (p *prefilter) mayMatch(s string) bool {
	if len(s) < p.minLen {
		return false
	}
	for i := range p.reqs {
		if !p.reqs[i].in(s) {
			return false
		}
	}
	return true
}

// in reports whether s meets r. Folded literals fold ASCII only, as the
// compiled patterns do (see compileRegexp).
func (r *requirement) in(s string) bool {
	switch r.kind {
	case reqLits:
		if r.byFirst == nil {
			for _, l := range r.lits {
				if strings.Contains(s, l.s) {
					return true
				}
			}
			return false
		}
		for i := 0; i < len(s); i++ {
			if r.pairs != nil && (i+1 == len(s) || r.pairs[s[i]]&(1<<(s[i+1]&63)) == 0) {
				continue
			}
			for _, l := range r.byFirst[s[i]] {
				if l.prefixOf(s[i:]) {
					return true
				}
			}
		}
		return false
	case reqClass:
		// Stop when the bytes left could no longer make up minHits.
		for i, need := 0, r.minHits; i <= len(s)-need; i++ {
			if r.class[s[i]] {
				if need--; need == 0 {
					return true
				}
			}
		}
		return false
	}
	return true
}

// prefixOf reports whether s starts with l. Literals that share a first
// byte often share more (password, passwd): their last bytes tell them
// apart sooner.
func (l literal) prefixOf(s string) bool {
	n := len(l.s)
	if n == 0 {
		return true
	}
	if n > len(s) {
		return false
	}
	if !l.fold {
		return s[n-1] == l.s[n-1] && s[:n] == l.s
	}
	return lower(s[n-1]) == l.s[n-1] && hasPrefixFold(s, l.s)
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
		return 100 + 10*shortest(r.lits) - len(r.lits)
	case reqClass:
		return 100 - min(r.size(), 99)
	}
	return 0
}

func (r requirement) size() int {
	n := 0
	for _, in := range r.class {
		if in {
			n++
		}
	}
	return n
}

func (r requirement) equal(o requirement) bool {
	if r.kind != o.kind {
		return false
	}
	if r.kind == reqClass {
		return *r.class == *o.class
	}
	return slices.Equal(r.lits, o.lits)
}

// required returns what every match of re must contain: all of it.
func required(re *syntax.Regexp) []requirement {
	switch re.Op {
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		s := string(re.Rune)
		if fold {
			if !isASCII(s) {
				return nil
			}
			s = strings.ToLower(s)
		}
		return []requirement{{kind: reqLits, lits: []literal{{s: s, fold: fold}}}}
	case syntax.OpCharClass:
		r := requirement{kind: reqClass, class: classBytes(re.Rune)}
		if r.size() >= broadClass {
			return nil
		}
		return []requirement{r}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		var all []requirement
		for _, sub := range re.Sub {
			for _, r := range required(sub) {
				if !slices.ContainsFunc(all, r.equal) {
					all = append(all, r)
				}
			}
		}
		all = append(all, exactRuns(re.Sub)...)
		if slices.ContainsFunc(all, func(r requirement) bool { return r.kind == reqLits }) {
			// Next to a literal, a class of many bytes rejects little.
			all = slices.DeleteFunc(all, func(r requirement) bool { return r.kind == reqClass && r.size() > narrowClass })
		}
		slices.SortStableFunc(all, func(a, b requirement) int { return b.score() - a.score() })
		return all[:min(len(all), maxReqs)]
	case syntax.OpAlternate:
		if r := alternation(re.Sub); r.kind != reqNone {
			return []requirement{r}
		}
	}
	return nil
}

// alternation: every branch must require something, and the union of
// what each branch requires first is required. A literal that must occur
// implies its first byte does, which lets literal and class branches
// merge.
func alternation(subs []*syntax.Regexp) requirement {
	reqs := make([]requirement, len(subs))
	allLits := true
	for i, sub := range subs {
		rs := required(sub)
		if len(rs) == 0 {
			return requirement{}
		}
		reqs[i] = rs[0]
		if reqs[i].kind == reqClass {
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
				class[upper(c)] = true
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

// slots returns, rarest in ordinary text first, sets of trigger bytes of
// which a value that passes mayMatch holds at least one byte each. Without
// any, every byte triggers.
func (p *prefilter) slots() []*[256]bool {
	var slots []*[256]bool
	var costs []int
	for i := range p.reqs {
		for _, t := range p.reqs[i].triggers() {
			if slices.ContainsFunc(slots, func(o *[256]bool) bool { return *o == *t }) {
				continue
			}
			cost := 0
			for b, on := range t {
				if on {
					cost += commonness(byte(b))
				}
			}
			at, _ := slices.BinarySearch(costs, cost+1)
			slots, costs = slices.Insert(slots, at, t), slices.Insert(costs, at, cost)
		}
	}
	if slots == nil {
		return []*[256]bool{allBytes()}
	}
	return slots
}

// maxLiteralSlots bounds the slots one literal requirement takes: the
// rarest bytes tell most, and the table has 64 slots for all patterns.
const maxLiteralSlots = 3

// triggers returns r's slots: for a class, the class; for literals, the
// rarest byte of each, then the next rarest of each, and so on, as every
// byte of one of them is in a value that meets r (both cases of a folded
// letter). Nil if r has none.
func (r *requirement) triggers() []*[256]bool {
	switch r.kind {
	case reqClass:
		t := *r.class
		return []*[256]bool{&t}
	case reqLits:
		byRarity := make([][]byte, len(r.lits))
		n := maxLiteralSlots
		for i, l := range r.lits {
			byRarity[i] = rarestFirst(l.s)
			n = min(n, len(byRarity[i]))
		}
		slots := make([]*[256]bool, n)
		for k := range slots {
			t := new([256]bool)
			for i, l := range r.lits {
				c := byRarity[i][k]
				t[c] = true
				if l.fold {
					t[upper(c)] = true
				}
			}
			slots[k] = t
		}
		return slots
	}
	return nil
}

// rarestFirst returns the distinct bytes of s, the rarest in ordinary text
// first.
func rarestFirst(s string) []byte {
	var bs []byte
	for i := 0; i < len(s); i++ {
		if !slices.Contains(bs, s[i]) {
			bs = append(bs, s[i])
		}
	}
	slices.SortStableFunc(bs, func(a, b byte) int { return commonness(a) - commonness(b) })
	return bs
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
