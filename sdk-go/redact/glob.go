package redact

import "strings"

// glob is a case-insensitive key pattern where '*' matches any run of
// characters, including none.
type glob struct {
	// parts are the literal pieces between stars, ASCII lower-cased.
	parts []string
	// anchoredStart and anchoredEnd are set when the pattern does not start
	// (end) with a star, so the first (last) part must sit at that end.
	anchoredStart, anchoredEnd bool
}

func compileGlob(pattern string) glob {
	g := glob{
		anchoredStart: !strings.HasPrefix(pattern, "*"),
		anchoredEnd:   !strings.HasSuffix(pattern, "*"),
	}
	for _, p := range strings.Split(pattern, "*") {
		if p != "" {
			g.parts = append(g.parts, strings.ToLower(p))
		}
	}
	if len(g.parts) == 0 {
		// Only stars: matches everything, anchors are meaningless.
		g.anchoredStart, g.anchoredEnd = false, false
	}
	return g
}

func (g glob) match(s string) bool {
	parts := g.parts
	if len(parts) == 0 {
		return true
	}
	if g.anchoredStart {
		if !hasPrefixFold(s, parts[0]) {
			return false
		}
		if len(parts) == 1 && g.anchoredEnd {
			return len(s) == len(parts[0])
		}
		s = s[len(parts[0]):]
		parts = parts[1:]
	}
	var last string
	if g.anchoredEnd && len(parts) > 0 {
		last = parts[len(parts)-1]
		parts = parts[:len(parts)-1]
	}
	for _, p := range parts {
		i := indexFold(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	if last != "" {
		return len(s) >= len(last) && hasPrefixFold(s[len(s)-len(last):], last)
	}
	return true
}

// lower folds an ASCII letter to lower case and leaves other bytes alone.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// hasPrefixFold reports whether s starts with the lower-case prefix,
// ignoring ASCII case in s.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lower(s[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// indexFold returns the first index of the lower-case sub in s, ignoring
// ASCII case in s, or -1.
func indexFold(s, sub string) int {
	if sub == "" {
		return 0
	}
	first := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		if lower(s[i]) == first && hasPrefixFold(s[i:], sub) {
			return i
		}
	}
	return -1
}
