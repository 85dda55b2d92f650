package redact

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// maxExact bounds how many strings an exact set holds, and maxExactLen
// how long each is: past them a set costs more to look for than it saves.
const maxExact, maxExactLen = 32, 64

// exact returns every string re can match when they are few, as literals
// folded where re ignores case; ok is false otherwise. A run of such parts
// in a concatenation makes a requirement stronger than each part's own:
// `api[_-]?key` requires one of apikey, api_key and api-key, where its
// parts alone require only "api" or "key".
func exact(re *syntax.Regexp) (set []literal, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []literal{{}}, true
	case syntax.OpLiteral:
		s := string(re.Rune)
		fold := re.Flags&syntax.FoldCase != 0 && hasLetter(s)
		if fold {
			if !isASCII(s) {
				return nil, false
			}
			s = strings.ToLower(s)
		}
		return []literal{{s: s, fold: fold}}, len(s) <= maxExactLen
	case syntax.OpCharClass:
		// A few ASCII runes, each one literal. A folded class's non-ASCII
		// members (the Kelvin sign for k) end it here.
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1] >= utf8.RuneSelf {
				return nil, false
			}
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
		}
		if n > maxExact {
			return nil, false
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				set = append(set, literal{s: string(r)})
			}
		}
		return set, true
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		sub, ok := exact(re.Sub[0])
		if !ok || len(sub) == maxExact {
			return nil, false
		}
		return append(sub, literal{}), true
	case syntax.OpConcat:
		set = []literal{{}}
		for _, sub := range re.Sub {
			next, ok := exact(sub)
			if !ok {
				return nil, false
			}
			if set, ok = product(set, next); !ok {
				return nil, false
			}
		}
		return set, true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			next, ok := exact(sub)
			if !ok || len(set)+len(next) > maxExact {
				return nil, false
			}
			set = append(set, next...)
		}
		return set, true
	}
	return nil, false
}

// product returns every literal of a followed by one of b. ok is false
// when there are too many, or when one would fold some letters and not
// others, which a literal cannot say.
func product(a, b []literal) ([]literal, bool) {
	if len(a)*len(b) > maxExact {
		return nil, false
	}
	out := make([]literal, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			if x.fold != y.fold && (!x.fold && hasLetter(x.s) || !y.fold && hasLetter(y.s)) {
				return nil, false
			}
			l := literal{s: x.s + y.s, fold: x.fold || y.fold}
			if len(l.s) > maxExactLen {
				return nil, false
			}
			out = append(out, l)
		}
	}
	return out, true
}

// exactRuns returns, for each longest run of subs with exact sets whose
// product stays within bounds, what every match of the run contains: one
// of the product's literals. A run is kept only when its shortest literal
// is longer than each of its parts' shortest, so that it says more than
// the parts' own requirements.
func exactRuns(subs []*syntax.Regexp) []requirement {
	var reqs []requirement
	var run []literal
	parts, partLen := 0, 0
	flush := func() {
		if parts > 1 && shortest(run) > partLen {
			reqs = append(reqs, requirement{kind: reqLits, lits: run})
		}
		run, parts, partLen = nil, 0, 0
	}
	for _, sub := range subs {
		set, ok := exact(sub)
		if !ok {
			flush()
			continue
		}
		if parts > 0 {
			if joined, ok := product(run, set); ok {
				run = joined
				parts++
				partLen = max(partLen, shortest(set))
				continue
			}
			flush()
		}
		run, parts, partLen = set, 1, shortest(set)
	}
	flush()
	return reqs
}

// shortest returns the length of the shortest of lits.
func shortest(lits []literal) int {
	n := int(^uint(0) >> 1)
	for _, l := range lits {
		n = min(n, len(l.s))
	}
	return n
}

func hasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; 'a' <= c && c <= 'z' {
			return true
		}
	}
	return false
}
