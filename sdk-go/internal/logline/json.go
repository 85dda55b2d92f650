// Package logline writes the canonical Seam log line (event.seam.log): one
// JSON object whose fixed fields come first, in schema order, followed by the
// record's own attributes in the order they were given.
//
// Every function appends to a caller-owned buffer and never allocates on its
// own, so a handler can reuse one pooled buffer per record.
package logline

import (
	"math"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// needsEscape marks the ASCII bytes that cannot be copied into a JSON string
// as they are: control characters, the quote and the backslash.
var needsEscape = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'] = true
	t['\\'] = true
	return t
}()

// AppendString appends s as a quoted JSON string with minimal escaping:
// quote, backslash and control characters (\n \r \t short, others \u00xx);
// valid UTF-8 is kept as is, and each maximal invalid subsequence (as the
// Unicode standard and Rust's from_utf8_lossy define it) becomes U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

func appendEscaped(b []byte, s string) []byte {
	if isPlain(s) {
		return append(b, s...) // the common case: nothing to escape
	}
	start := 0
	for i := 0; i < len(s); {
		// Skip eight plain bytes at a time: most text needs no escaping.
		for i+8 <= len(s) && plain8(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if !needsEscape[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
			i += invalidPrefixLen(s[i:])
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// isPlain reports whether s is printable ASCII without a quote or a
// backslash, eight bytes at a time (the last eight overlapping).
func isPlain(s string) bool {
	if len(s) < 8 {
		for i := 0; i < len(s); i++ {
			if c := s[i]; c >= utf8.RuneSelf || needsEscape[c] {
				return false
			}
		}
		return true
	}
	for i := 0; i+8 <= len(s); i += 8 {
		if !plain8(s[i : i+8]) {
			return false
		}
	}
	return plain8(s[len(s)-8:])
}

// plain8 reports whether the eight bytes of s are all printable ASCII other
// than the quote and the backslash, testing them as one word.
func plain8(s string) bool {
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	// A byte is below 0x20, or has its high bit set, or equals '"' or '\'
	// when the corresponding tests leave its high bit set.
	below := (w - 0x20*ones) & ^w
	quote := w ^ '"'*ones
	slash := w ^ '\\'*ones
	return (below|w|((quote-ones)&^quote)|((slash-ones)&^slash))&highs == 0
}

// invalidPrefixLen returns the length of the maximal subpart of an ill-formed
// UTF-8 sequence at the start of s: a lead byte followed by the continuation
// bytes that could still have completed it (Unicode §3.9, table 3-7). Go's
// decoder would report each byte separately; Rust groups them, and both SDKs
// must write the same line.
func invalidPrefixLen(s string) int {
	lead := s[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF) // allowed range of the second byte
	switch {
	case lead >= 0xC2 && lead <= 0xDF:
		need = 1
	case lead == 0xE0:
		need, lo = 2, 0xA0
	case lead == 0xED:
		need, hi = 2, 0x9F
	case lead >= 0xE1 && lead <= 0xEF:
		need = 2
	case lead == 0xF0:
		need, lo = 3, 0x90
	case lead == 0xF4:
		need, hi = 3, 0x8F
	case lead >= 0xF1 && lead <= 0xF3:
		need = 3
	default:
		return 1
	}
	n := 1
	for n <= need && n < len(s) {
		c := s[n]
		if c < lo || c > hi {
			break
		}
		n++
		lo, hi = 0x80, 0xBF
	}
	return n
}

// AppendFloat appends f as ECMAScript's Number.prototype.toString writes it:
// the shortest round-trip digits, plain notation from 1e-6 up to 1e21 and
// exponent notation (1.5e-7, 1e+21) outside it. NaN and the infinities are
// not JSON numbers and are written as the strings "NaN", "+Inf" and "-Inf".
func AppendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(b, `"-Inf"`...)
	case f == 0:
		return append(b, '0') // ECMAScript writes -0 as 0
	}
	abs := math.Abs(f)
	if abs >= 1e-6 && abs < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	b = strconv.AppendFloat(b, f, 'e', -1, 64)
	// Go pads the exponent to two digits (1.5e-07); ECMAScript does not.
	n := len(b)
	if b[n-2] == '0' && (b[n-3] == '-' || b[n-3] == '+') {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return b
}

// AppendInt appends a signed integer in decimal.
func AppendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// AppendUint appends an unsigned integer in decimal.
func AppendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// AppendKey appends `,"<prefix><key>":`, the separator and name of a field
// that follows another one (every line starts with the time field, so
// attribute fields always do). prefix carries the dotted names of enclosing
// groups, "" outside any.
func AppendKey(b []byte, prefix, key string) []byte {
	b = append(b, ',', '"')
	b = appendEscaped(b, prefix)
	b = appendEscaped(b, key)
	return append(b, '"', ':')
}
