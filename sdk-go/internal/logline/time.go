package logline

import (
	"sync/atomic"
	"time"
)

// secondCache holds the rendered "YYYY-MM-DDTHH:MM:SS" of the last second
// seen: log lines come many to a second, and only the nanoseconds change.
var secondCache atomic.Pointer[renderedSecond]

type renderedSecond struct {
	unix int64
	text [19]byte
}

// AppendTime appends t as a quoted RFC 3339 UTC timestamp with exactly nine
// fractional digits (rfc3339_utc_nanos), e.g. "2026-11-21T16:07:29.000000001Z".
func AppendTime(b []byte, t time.Time) []byte {
	sec := t.Unix()
	c := secondCache.Load()
	if c == nil || c.unix != sec {
		c = &renderedSecond{unix: sec}
		renderSecond(c.text[:0], t)
		secondCache.Store(c)
	}
	b = append(b, '"')
	b = append(b, c.text[:]...)
	b = append(b, '.')
	b = appendDigits(b, t.Nanosecond(), 9)
	return append(b, 'Z', '"')
}

func renderSecond(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	// RFC 3339 has four-digit years; clamp so the line stays valid.
	b = appendDigits(b, max(0, min(year, 9999)), 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	return appendDigits(b, sec, 2)
}

// appendDigits appends v, which must be non-negative, zero-padded to width.
func appendDigits(b []byte, v, width int) []byte {
	var buf [9]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:width]...)
}
