package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// secretOf is the part of a vector's value that its redaction removes:
// what lies between the value's and the result's common prefix and suffix.
func secretOf(c vectorCase) string {
	v, w := c.Value, c.Want
	p := 0
	for p < len(v) && p < len(w) && v[p] == w[p] {
		p++
	}
	s := 0
	for s < len(v)-p && s < len(w)-p && v[len(v)-1-s] == w[len(w)-1-s] {
		s++
	}
	return v[p : len(v)-s]
}

// plain keeps letters, digits and spaces and turns every other byte into
// a space: context that can neither start a pattern nor join one across
// the separator.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (r == ' ' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return r
		}
		return ' '
	}, s)
}

// FuzzString: any input is redacted without a panic, valid UTF-8 stays
// valid, a second pass changes nothing, and a vector's secret placed
// between any plain words is still removed while a clean vector stays.
func FuzzString(f *testing.F) {
	vectors := loadVectors(f)
	for i, c := range vectors {
		f.Add(c.Value, uint(i), "", "")
	}
	f.Add("password=hunter2 and Bearer eyJhbGciOi.abc", uint(0), "login failed", "retry 3")
	r := Default()
	f.Fuzz(func(t *testing.T, s string, pick uint, before, after string) {
		once := r.String(s)
		if utf8.ValidString(s) && !utf8.ValidString(once) {
			t.Fatalf("String(%q) = %q: not UTF-8", s, once)
		}
		if twice := r.String(once); twice != once {
			t.Fatalf("String(%q) = %q, and again %q", s, once, twice)
		}

		c := vectors[pick%uint(len(vectors))]
		before, after = plain(before), plain(after)
		in := before + " | " + c.Value + " | " + after
		got, _ := r.Value(c.Key, in)
		if c.Want == c.Value && !r.Key(c.Key) {
			if !strings.Contains(got, c.Value) {
				t.Fatalf("clean %q altered between plain words: %q", c.Value, got)
			}
			return
		}
		secret := secretOf(c)
		if strings.Count(got, secret) > strings.Count(before, secret)+strings.Count(after, secret) {
			t.Fatalf("%s=%q: %q survives in %q", c.Key, in, secret, got)
		}
	})
}
