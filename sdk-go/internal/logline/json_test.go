package logline

import (
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
)

func TestAppendString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`plain`, `"plain"`},
		{"q\"b\\n\n\r\t\x01\x1f\x7f", `"q\"b\\n\n\r\t\u0001\u001f` + "\x7f" + `"`},
		{"café → ✓ 🙂", `"café → ✓ 🙂"`},
		{"<&>\u2028", "\"<&>\u2028\""}, // minimal escaping: no HTML or separator escapes
		// Each maximal ill-formed subsequence becomes one U+FFFD, as Rust's
		// from_utf8_lossy does it.
		{"ok\xffend", "\"ok\uFFFDend\""},
		{"\xe2\x82x", "\"\uFFFDx\""},               // truncated three-byte sequence
		{"\xf0\x9f\x99", "\"\uFFFD\""},             // truncated four-byte sequence at the end
		{"\xe0\x80\x80", "\"\uFFFD\uFFFD\uFFFD\""}, // overlong: E0 needs A0..BF next
		{"\xed\xa0\x80", "\"\uFFFD\uFFFD\uFFFD\""}, // surrogate: ED needs 80..9F next
		{"\xc0\xaf", "\"\uFFFD\uFFFD\""},           // C0 is never a lead byte
		{"\xf4\x90\x80\x80", "\"\uFFFD\uFFFD\uFFFD\uFFFD\""},
		{"\x80\x80", "\"\uFFFD\uFFFD\""},
	} {
		if got := string(AppendString(nil, c.in)); got != c.want {
			t.Errorf("AppendString(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{3, "3"}, {-0.5, "-0.5"}, {1.5e-7, "1.5e-7"}, {1e-6, "0.000001"}, {1e21, "1e+21"},
		{1.2345678901234568e+20, "123456789012345680000"}, {1.0 / 3, "0.3333333333333333"},
		{math.Copysign(0, -1), "0"}, {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
		{-2.5e-10, "-2.5e-10"}, {123e100, "1.23e+102"},
		{math.NaN(), `"NaN"`}, {math.Inf(1), `"+Inf"`}, {math.Inf(-1), `"-Inf"`},
	} {
		if got := string(AppendFloat(nil, c.in)); got != c.want {
			t.Errorf("AppendFloat(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestAppendTime(t *testing.T) {
	for _, c := range []struct {
		in   time.Time
		want string
	}{
		{time.Unix(0, 1795277249000000001), `"2026-11-21T16:07:29.000000001Z"`},
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)), `"2026-01-02T02:04:05.000000000Z"`},
		{time.Unix(0, 0), `"1970-01-01T00:00:00.000000000Z"`},
	} {
		if got := string(AppendTime(nil, c.in)); got != c.want {
			t.Errorf("AppendTime(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestHeaderOmitsAbsentIDs(t *testing.T) {
	h := Header{Time: time.Unix(0, 0), Level: "INFO", Msg: "m", ServiceName: "s", Impl: "go"}
	got := string(End(AppendHeader(nil, &h)))
	want := `{"time":"1970-01-01T00:00:00.000000000Z","level":"INFO","msg":"m","service.name":"s","seam.impl":"go"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	h.TraceID = trace.TraceID{1}
	h.CorrelationID = "c"
	got = string(End(AppendHeader(nil, &h)))
	want = `{"time":"1970-01-01T00:00:00.000000000Z","level":"INFO","msg":"m","service.name":"s","seam.impl":"go","trace_id":"01000000000000000000000000000000","seam.correlation_id":"c"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestNewLayoutRejectsUnknownField(t *testing.T) {
	if _, err := newLayout([]string{"time", "mystery"}); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := newLayout([]string{"level", "time"}); err == nil {
		t.Error("layout not starting with time accepted")
	}
}

func TestAppendAllocatesNothing(t *testing.T) {
	buf := make([]byte, 0, 1024)
	h := Header{Time: time.Now(), Level: "INFO", Msg: "quote computed", ServiceName: "pricing", Impl: "go",
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}, CorrelationID: "01JD4X7K2M9QZ8R6T5W3V1N0PA"}
	n := testing.AllocsPerRun(100, func() {
		b := AppendHeader(buf[:0], &h)
		b = AppendKey(b, "", "http.response.status_code")
		b = AppendInt(b, 200)
		b = AppendKey(b, "db.", "ratio")
		b = AppendFloat(b, 0.125)
		_ = End(b)
	})
	if n != 0 {
		t.Errorf("%v allocations per line", n)
	}
}

// plain8 agrees with the byte-at-a-time test on every position of every
// byte value, so the fast skip never passes over a byte needing escape.
func TestPlain8(t *testing.T) {
	base := []byte("abcdefgh")
	for pos := range 8 {
		for c := range 256 {
			w := append([]byte(nil), base...)
			w[pos] = byte(c)
			want := true
			for _, x := range w {
				if x >= 0x80 || needsEscape[x] {
					want = false
				}
			}
			if got := plain8(string(w)); got && !want {
				t.Fatalf("plain8(%q) = true, but byte %#x needs care", w, c)
			} else if got != want {
				t.Errorf("plain8(%q) = %v, want %v (only speed is lost)", w, got, want)
			}
		}
	}
}

func TestIsPlain(t *testing.T) {
	for s, want := range map[string]bool{
		"": true, "abc": true, "exactly8": true, "nine char": true, "0123456789abcdef": true,
		"ab\"": false, "seventeen chars\\x": false, "0123456789abcdef\n": false, "caf\u00e9 au lait": false,
		"\x7f is DEL": true, "tab\there, long enough": false,
	} {
		if got := isPlain(s); got != want {
			t.Errorf("isPlain(%q) = %v, want %v", s, got, want)
		}
	}
}
