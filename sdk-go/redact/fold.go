package redact

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"slices"
	"unicode"
)

// The two non-ASCII runes Go's (?i) folds onto ASCII letters: the Kelvin
// sign onto k, the long s onto s.
const kelvin, longS = '\u212a', '\u017f'

// compileRegexp compiles an ASCII pattern the way the Rust SDK's bytes
// regex reads it: (?i) folds ASCII letters only. Go's own folding would
// also match the Kelvin sign for k and the long s for s, so one value
// could be redacted by one SDK and not the other.
func compileRegexp(expr string) (*regexp.Regexp, error) {
	if !isASCII(expr) {
		// The parser keeps a folded letter as the least rune of its case
		// orbit: a non-ASCII one could not be folded back to itself.
		return nil, errors.New("the regex is not ASCII")
	}
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil, err
	}
	foldASCII(re)
	return regexp.Compile(re.String())
}

// foldASCII rewrites the case-folded parts of re to fold ASCII only.
func foldASCII(re *syntax.Regexp) {
	for _, sub := range re.Sub {
		foldASCII(sub)
	}
	if re.Flags&syntax.FoldCase == 0 {
		return
	}
	re.Flags &^= syntax.FoldCase
	switch re.Op {
	case syntax.OpLiteral:
		// Each letter becomes the class of its two cases.
		subs := make([]*syntax.Regexp, len(re.Rune))
		for i, r := range re.Rune {
			lo, up := unicode.ToLower(r), unicode.ToUpper(r)
			if r < 0x80 && 'a' <= lo && lo <= 'z' {
				subs[i] = &syntax.Regexp{Op: syntax.OpCharClass, Rune: []rune{up, up, lo, lo}}
			} else {
				subs[i] = &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{r}}
			}
		}
		if len(subs) == 1 {
			*re = *subs[0]
		} else {
			*re = syntax.Regexp{Op: syntax.OpConcat, Sub: subs}
		}
	case syntax.OpCharClass:
		// The parser folded the class before negating it. In an ASCII
		// pattern the two runes are there only by folding, and a class
		// that reaches the last rune was negated: ASCII folding keeps them
		// out of a positive class and in a negated one.
		if n := len(re.Rune); n > 0 && re.Rune[n-1] == unicode.MaxRune {
			re.Rune = addRune(addRune(re.Rune, kelvin), longS)
		} else {
			re.Rune = removeRune(removeRune(re.Rune, kelvin), longS)
		}
	}
}

// removeRune returns the sorted ranges without r.
func removeRune(ranges []rune, r rune) []rune {
	out := make([]rune, 0, len(ranges)+2)
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if r < lo || r > hi {
			out = append(out, lo, hi)
			continue
		}
		if lo < r {
			out = append(out, lo, r-1)
		}
		if r < hi {
			out = append(out, r+1, hi)
		}
	}
	return out
}

// addRune returns the sorted ranges with r, merged where they touch.
func addRune(ranges []rune, r rune) []rune {
	pairs := make([][2]rune, 0, len(ranges)/2+1)
	for i := 0; i+1 < len(ranges); i += 2 {
		pairs = append(pairs, [2]rune{ranges[i], ranges[i+1]})
	}
	pairs = append(pairs, [2]rune{r, r})
	slices.SortFunc(pairs, func(a, b [2]rune) int { return int(a[0] - b[0]) })
	var out []rune
	for _, p := range pairs {
		if n := len(out); n > 0 && p[0] <= out[n-1]+1 {
			out[n-1] = max(out[n-1], p[1])
			continue
		}
		out = append(out, p[0], p[1])
	}
	return out
}
