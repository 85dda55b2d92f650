package guardextension

import (
	"errors"
	"fmt"
)

// errTooDeep is the error a request nested beyond the limit gets.
type errTooDeep struct{ limit int }

func (e errTooDeep) Error() string {
	return fmt.Sprintf("request refused: values nest deeper than max_nesting_depth %d", e.limit)
}

// isTooDeep reports whether err is a nesting refusal.
func isTooDeep(err error) bool {
	var e errTooDeep
	return errors.As(err, &e)
}

// checkProto reports whether the protobuf message in b nests messages
// deeper than limit, without decoding it: it walks the wire format once,
// reading every length-delimited field as a message until its bytes prove
// otherwise (then it is a string or bytes, and skipped). The position only
// moves forward, so a request costs O(len(b)) whatever its shape; a
// malformed request is left for the decoder to refuse with its own words.
func checkProto(b []byte, limit int) error {
	ends := make([]int, 1, 16) // ends[i] is where the message at depth i ends
	ends[0] = len(b)
	pos := 0
	for {
		top := len(ends) - 1
		if pos == ends[top] {
			if top == 0 {
				return nil
			}
			ends = ends[:top] // the sub-message parsed whole
			continue
		}
		next, ok := field(b, pos, ends[top])
		if !ok {
			if top == 0 {
				return nil // not protobuf: the decoder says so
			}
			// Not a message after all: skip it as the bytes it is.
			pos = ends[top]
			ends = ends[:top]
			continue
		}
		if next.payload >= 0 && next.end > next.payload {
			if len(ends) > limit {
				return errTooDeep{limit}
			}
			pos = next.payload
			ends = append(ends, next.end)
			continue
		}
		pos = next.end
	}
}

// wireField is one field: where its length-delimited payload starts
// (-1 for other wire types) and where the field ends.
type wireField struct{ payload, end int }

// field reads the field at pos, which must end by limit.
func field(b []byte, pos, limit int) (wireField, bool) {
	tag, n := varint(b[pos:limit])
	if n == 0 || tag>>3 == 0 {
		return wireField{}, false
	}
	pos += n
	switch tag & 7 {
	case 0:
		_, n := varint(b[pos:limit])
		if n == 0 {
			return wireField{}, false
		}
		return wireField{-1, pos + n}, true
	case 1:
		if pos+8 > limit {
			return wireField{}, false
		}
		return wireField{-1, pos + 8}, true
	case 5:
		if pos+4 > limit {
			return wireField{}, false
		}
		return wireField{-1, pos + 4}, true
	case 2:
		l, n := varint(b[pos:limit])
		if n == 0 || l > uint64(limit-pos-n) {
			return wireField{}, false
		}
		start := pos + n
		return wireField{start, start + int(l)}, true
	}
	return wireField{}, false // groups and unknown wire types
}

// varint decodes a base-128 varint; n is 0 when b holds none.
func varint(b []byte) (v uint64, n int) {
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

// checkJSON reports whether the JSON document in b nests objects and arrays
// deeper than limit, in one pass that tracks strings and escapes.
func checkJSON(b []byte, limit int) error {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > limit {
				return errTooDeep{limit}
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}
