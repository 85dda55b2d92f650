package redact

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/seamtel/seam/sdk-go/semconv"
)

func TestKey(t *testing.T) {
	r := Default()
	for key, want := range map[string]bool{
		"user.email":                        true,
		"USER.Email":                        true, // keys are matched case-insensitively
		"http.request.header.authorization": true,
		"http.request.header.cookie":        true,
		"db.password":                       true,
		"Upstream.API_Key":                  true,
		"apikey":                            true,
		"refresh_token":                     true,
		"client_secret":                     true,
		"aws.credentials":                   true,
		"tls.private_key":                   true,
		"passwd":                            true,
		"user.name":                         false,
		"http.request.method":               false,
		"seam.operation":                    false,
		"":                                  false,
	} {
		for range 2 { // the second answer comes from the cache
			if got := r.Key(key); got != want {
				t.Errorf("Key(%q) = %v, want %v", key, got, want)
			}
		}
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"*password*", "PASSWORD", true},
		{"*password*", "my_password_hash", true},
		{"*password*", "passwor", false},
		{"pass*", "Passport", true},
		{"pass*", "bypass", false},
		{"*word", "PassWord", true},
		{"*word", "words", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXcYYb", false},
		{"a*b*c", "abc", true},
		{"exact", "EXACT", true},
		{"exact", "exactly", false},
		{"*", "anything", true},
		{"ab*ab", "ab", false},
	} {
		if got := compileGlob(c.pattern).match(c.s); got != c.want {
			t.Errorf("glob %q match %q = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestStringPatterns(t *testing.T) {
	r := Default()
	for _, c := range []struct{ in, want string }{
		{"Authorization: Bearer abc.def-ghi", "Authorization: Bearer [REDACTED]"},
		{"authorization: bearer abc==", "authorization: Bearer [REDACTED]"},
		{"Basic dXNlcjpwYXNzd29yZA==", "Basic [REDACTED]"},
		{"basic short", "basic short"}, // under eight characters is not a credential
		{"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh", "jwt [REDACTED:jwt]"},
		{"key AKIAIOSFODNN7EXAMPLE here", "key [REDACTED:aws_key] here"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIE", "[REDACTED:private_key]"}, // cut off before END: to the end
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nnext", "[REDACTED:private_key]\nnext"},
		{"ghp_" + strings.Repeat("a", 36), "[REDACTED:github_token]"},
		{"xoxb-1234567890-abc", "[REDACTED:slack_token]"},
		{"card 4111-1111-1111-1111 ok", "card [REDACTED:card] ok"},
		{"card 4111111111111111", "card [REDACTED:card]"},
		{"order 4111 1111 1111 1112 is not a card", "order 4111 1111 1111 1112 is not a card"},
		{"https://bob:s3cr3t@git.example.com/x", "https://[REDACTED]@git.example.com/x"},
		{"nothing to see here", "nothing to see here"},
		{"", ""},
		// Case folding is ASCII only, as in the Rust SDK: the long s is no s
		// and the Kelvin sign no k.
		{"baſic dXNlcjpwYXNzd29yZA==", "baſic dXNlcjpwYXNzd29yZA=="},
		{"to\u212aen=abc", "to\u212aen=abc"},
		{"TOKEN=abc", "TOKEN=[REDACTED]"},
	} {
		if got := r.String(c.in); got != c.want {
			t.Errorf("String(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// The Go engine folds case as the Rust one does: ASCII letters only.
func TestCompileRegexpFoldsASCIIOnly(t *testing.T) {
	for _, c := range []struct {
		expr, s string
		want    bool
	}{
		{`(?i)k`, "K", true},
		{`(?i)k`, "\u212a", false},
		{`(?i)s`, "\u017f", false},
		{`(?i)[^k]`, "\u212a", true},
		{`(?i)[^k]`, "K", false},
		{`(?i)[^s]`, "\u017f", true},
		{`(?i)\w`, "\u212a", false},
		{`(?i)\W`, "\u212a", true},
		{`(?i)[a-z]`, "\u017f", false},
		{`(?i)[a-z]`, "Q", true},
		{`(?i)[Kk]x`, "\u212aX", false},
		{`(?i)passwd|password`, "PassWord", true},
		{`(?i)(?P<k>ab)c`, "ABC", true},
	} {
		re, err := compileRegexp(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := re.MatchString(c.s); got != c.want {
			t.Errorf("%s on %q: %v, want %v (compiled as %s)", c.expr, c.s, got, c.want, re)
		}
	}
	if _, err := compileRegexp(`(?i)é`); err == nil {
		t.Error("a pattern that is not ASCII compiled")
	}
}

// ${name} in a replacement is the group's text, empty when the group took
// no part; nothing else is special.
func TestReplacementTemplate(t *testing.T) {
	r, err := Compile(Rules{Replacement: "X", Patterns: []semconv.RedactionPattern{
		{Name: "kv", Regex: `(?P<k>[a-z]+=)(?:(?P<q>")[^"]*|[^ ]+)`, Replacement: "${k}${q}<$1 $$>"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.String(`a=1 b="two" c`), `a=<$1 $$> b="<$1 $$>" c`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := Compile(Rules{Replacement: "X", Patterns: []semconv.RedactionPattern{
		{Name: "kv", Regex: `(?P<k>a)`, Replacement: "${nope}"},
	}}); err == nil || !strings.Contains(err.Error(), "${nope}") {
		t.Errorf("a reference to no group: %v", err)
	}
}

// What a redactor wrote stays as it is when redacted again, as it is
// when the collector redacts what an SDK already did.
func TestStringIsIdempotent(t *testing.T) {
	fragments := []string{
		"password=", "hunter2", " ", "token: ", "Bearer abc", "postgres://u:p@h/db", "redis://:pw@c",
		"alice@example.com", "4111 1111 1111 1111", " 123", "-----BEGIN PRIVATE KEY-----", "x",
		"-----END PRIVATE KEY-----", "\"", "{\"api_key\":", "'", "AKIAIOSFODNN7EXAMPLE", "&", ";",
		"https://bob@git.example.com", ":", "=", "ghp_" + strings.Repeat("a", 36),
	}
	r := Default()
	mixes(5, 8, fragments, func(s string) {
		once := r.String(s)
		if twice := r.String(once); twice != once {
			t.Fatalf("String(%q) = %q, and again %q", s, once, twice)
		}
	})
}

// mixes calls fn with 20000 strings of up to parts+1 random fragments,
// the same ones for the same seed.
func mixes(seed uint64, parts int, fragments []string, fn func(string)) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	for range 20000 {
		var b strings.Builder
		for n := rng.IntN(parts); n >= 0; n-- {
			b.WriteString(fragments[rng.IntN(len(fragments))])
		}
		fn(b.String())
	}
}

// Patterns apply in order, each to the previous one's output.
func TestPatternsChain(t *testing.T) {
	r, err := Compile(Rules{Replacement: "X", Patterns: []semconv.RedactionPattern{
		{Name: "a", Regex: `secret`, Replacement: "token"},
		{Name: "b", Regex: `token`, Replacement: "[gone]"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.String("my secret"); got != "my [gone]" {
		t.Errorf("got %q", got)
	}
}

// A value nothing matches comes back as the very same string, unallocated.
func TestStringNoMatchReturnsInput(t *testing.T) {
	r := Default()
	in := strings.Repeat("checkout.price computed for sku 42 ", 4)
	if got := r.String(in); unsafe.StringData(got) != unsafe.StringData(in) {
		t.Error("String returned a copy of an unchanged value")
	}
	if n := testing.AllocsPerRun(100, func() { _ = r.String(in) }); n != 0 {
		t.Errorf("String allocated %v times on a value with nothing to redact", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = r.Key("http.response.status_code") }); n != 0 {
		t.Errorf("Key allocated %v times", n)
	}
}

func TestValue(t *testing.T) {
	r := Default()
	if v, changed := r.Value("db.password", "hunter2"); v != semconv.RedactionReplacement || !changed {
		t.Errorf("sensitive key: got %q, %v", v, changed)
	}
	if v, changed := r.Value("note", "AKIAIOSFODNN7EXAMPLE"); v != "[REDACTED:aws_key]" || !changed {
		t.Errorf("pattern: got %q, %v", v, changed)
	}
	if v, changed := r.Value("note", "fine"); v != "fine" || changed {
		t.Errorf("clean: got %q, %v", v, changed)
	}
}

func TestCompileReportsEveryBadRule(t *testing.T) {
	_, err := Compile(Rules{
		Replacement: "",
		KeyPatterns: []string{""},
		Patterns: []semconv.RedactionPattern{
			{Name: "broken", Regex: `(unclosed`, Replacement: "x"},
			{Name: "odd", Regex: `x`, Replacement: "y", Validate: "crc"},
		},
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"Replacement is empty", "empty key pattern", `pattern "broken"`, `pattern "odd": unknown validate "crc"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFailClosed(t *testing.T) {
	r := &Redactor{replacement: "[R]", failClosed: true}
	if !r.Key("anything") || r.String("plain") != "[R]" || r.String("") != "" {
		t.Error("a redactor whose rules failed to compile must redact everything")
	}
}

func TestLuhn(t *testing.T) {
	for s, want := range map[string]bool{
		"4111111111111111": true,
		"4111111111111112": false,
		"5500000000000004": true,
		"79927398713":      true,
		"0":                false,
	} {
		digits := []byte(s)
		for i := range digits {
			digits[i] -= '0'
		}
		if got := luhn(digits); got != want {
			t.Errorf("luhn(%q) = %v", s, got)
		}
	}
}

func TestCardStart(t *testing.T) {
	for run, want := range map[string]int{
		"4111 1111 1111 1111":         0,
		"4111111111111111":            0,
		"4111 1111 1111 1111 123":     0,  // a CVV after the card
		"55 4111 1111 1111 1111":      3,  // a number before it
		"4111111111111111 123":        0,  // one group of 16
		"3782 822463 10005":           0,  // 4-6-5
		"4111 1111 1111 1112":         -1, // fails the Luhn check
		"1733085051123456789":         -1, // starts with 1
		"2345678901234567890123":      -1, // one group of 22
		"250 500 1000 2000 4000 8000": -1, // a window starting with 250 would pass, but 250 is no group of four
		"4111111111111111111111":      -1, // 22 digits in one group: no window inside it
		"0000 4111 1111 1111 1111":    5,
	} {
		if got := cardStart(run); got != want {
			t.Errorf("cardStart(%q) = %d, want %d", run, got, want)
		}
	}
}

// The prefilter may let through values the regexp then rejects, but must
// never reject one the regexp matches: checked on the schema's patterns
// over random mixes of the fragments they look for.
func TestPrefilterNeverHidesAMatch(t *testing.T) {
	fragments := []string{
		"bearer ", "BEARER\t", "Basic ", "baſic ", "eyJ", "abcde", ".", "AKIA", "ASIA", "ABIA",
		"ACCA", "ABCDEFGHIJKLMNOP", "-----BEGIN ", "RSA ", "PRIVATE KEY-----", "-----END ", " BLOCK",
		"ghp_", "gho_", "xoxb-", "4111", " ", "-", "1111", "://", "user", ":", "pw", "@", "/", "é",
		"K", "\u212a", "0123456789", "token=", "=", "Password", "pwd", "api-key", "\"", "'", "\\",
		"example.com", "x.io", "ſecret",
	}
	for _, p := range semconv.RedactionPatterns {
		re, err := compileRegexp(p.Regex)
		if err != nil {
			t.Fatal(err)
		}
		pre, err := newPrefilter(p.Regex)
		if err != nil {
			t.Fatal(err)
		}
		mixes(1, 12, fragments, func(s string) {
			if re.MatchString(s) && !pre.mayMatch(s) {
				t.Fatalf("pattern %s: prefilter rejected %q, which matches", p.Name, s)
			}
		})
	}
}

// TestCardRunNeverHidesAMatch: the card pattern's regexp runs only on
// values with a card run, so every value it matches must have one; a ULID
// with 14 scattered digits has none.
func TestCardRunNeverHidesAMatch(t *testing.T) {
	var card *regexp.Regexp
	for _, p := range semconv.RedactionPatterns {
		if p.Validate == ValidateCard {
			card = regexp.MustCompile(p.Regex)
		}
	}
	if card == nil {
		t.Fatal("the schema has no card pattern")
	}
	fragments := []string{"4111", "1111", "0", "12345", " ", "-", "  ", "--", " -", "x", "\t", "4111 1111 1111 1111", ":", "é"}
	mixes(1, 10, fragments, func(s string) {
		if card.MatchString(s) && !hasCardRun(s) {
			t.Fatalf("hasCardRun(%q) is false, but the card pattern matches it", s)
		}
	})
	for _, s := range []string{"01JD4X7K2M9QZ8R6T5W3V1N001", "2026-12-02T03:10:19.123456Z", "1234567890 12"} {
		if hasCardRun(s) {
			t.Errorf("hasCardRun(%q) is true: it has no run of 13 digits", s)
		}
	}
}

var naivePatterns = sync.OnceValue(func() []pattern {
	var ps []pattern
	for _, p := range semconv.RedactionPatterns {
		cp, err := compilePattern(p)
		if err != nil {
			panic(err)
		}
		ps = append(ps, cp)
	}
	return ps
})

// naiveString applies the patterns as the schema states them, with no
// prefilter or trigger: what String must always agree with.
func naiveString(s string) string {
	for _, p := range naivePatterns() {
		s = p.replace(s)
	}
	return s
}

func TestStringAgreesWithNaiveChain(t *testing.T) {
	fragments := []string{
		"Bearer ", "basic ", "baſic ", "dXNlcjpwYXNzd29yZA==", "eyJhbGciOi", ".abcdef", "AKIAIOSFODNN7EXAMPLE",
		"-----BEGIN RSA PRIVATE KEY-----", "ghp_", strings.Repeat("a1", 20), "xoxb-", "1234567890",
		"4111 1111 1111 1111", "4111", " ", "https://", "bob:pw@", "host/", "é", "\u212a", "token=", "=",
		"password", ": ", "\"", "hunter2", "@example.com", "-----END RSA PRIVATE KEY-----", "123",
	}
	r := Default()
	mixes(3, 10, fragments, func(s string) {
		if got, want := r.String(s), naiveString(s); got != want {
			t.Fatalf("String(%q)\n got %q\nwant %q", s, got, want)
		}
	})
}

// FuzzPrefilter checks the same properties, and the triggers' and
// hasCardRun's, on fuzzer-made input.
func FuzzPrefilter(f *testing.F) {
	for _, s := range []string{"Bearer x", "baſic abcdefgh", "AKIAIOSFODNN7EXAMPLE", "4111 1111 1111 1111", "a://b:c@d"} {
		f.Add(s)
	}
	pats := naivePatterns()
	r := Default()
	f.Fuzz(func(t *testing.T, s string) {
		triggered := r.triggers.triggered(s)
		for i, p := range pats {
			if p.re.MatchString(s) && !p.pre.mayMatch(s) {
				t.Fatalf("prefilter rejected %q, which %s matches", s, p.re)
			}
			if p.card && p.re.MatchString(s) && !hasCardRun(s) {
				t.Fatalf("hasCardRun(%q) is false, but the card pattern matches it", s)
			}
			if triggered&(1<<i) == 0 && (p.re.MatchString(s) || !p.card && p.pre.mayMatch(s)) {
				t.Fatalf("pattern %s not triggered on %q, which it may match", p.name, s)
			}
		}
		if got, want := hasCardRun(s), cardRunIn(s); got != want {
			t.Fatalf("hasCardRun(%q) = %v, the byte loop says %v", s, got, want)
		}
		if got, want := r.String(s), naiveString(s); got != want {
			t.Fatalf("String(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkString runs values with nothing to redact, as most are (the
// collector's load data: a ULID correlation id, a log body, a route, short
// words), and values with a secret of each common kind.
func BenchmarkString(b *testing.B) {
	r := Default()
	for _, c := range []struct{ name, in string }{
		{"clean_ulid", "01JD4X7K2M9QZ8R6T5W3V1N042"},
		{"clean_body", "quote served for sku 123 in 12ms"},
		{"clean_path", "/v1/quote/{sku}"},
		{"clean_url", "https://api.example.com/v1/quotes/123?currency=EUR"},
		{"clean_word", "checkout"},
		{"clean_tiny", "GET"},
		{"clean_short", "checkout.price"},
		{"clean_message", "quote computed for sku 42 in 3 ms"},
		{"clean_timestamp", "2026-12-02T03:10:19.123456Z"},
		{"clean_status", "request completed: status=200 path=/checkout"},
		{"clean_long", strings.Repeat("quote served for sku 123 in 12ms; ", 8)},
		{"secret", "retrying with Authorization: Bearer eyJhbGciOi.abc-def_123"},
		{"secret_card", "paid with 4111 1111 1111 1111 exp 12/29"},
		{"secret_assignment", "login failed: password=hunter2 for alice"},
		{"secret_url", "dial postgres://app:s3cr3t@db.internal:5432/orders"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = r.String(c.in)
			}
		})
	}
}

func BenchmarkKey(b *testing.B) {
	r := Default()
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Key("http.response.status_code")
	}
}

// BenchmarkKeys asks for the keys of a span of the collector's load data
// in turn, as the processor does.
func BenchmarkKeys(b *testing.B) {
	r := Default()
	keys := []string{"http.route", "seam.operation", "seam.correlation_id", "http.request.method", "url.scheme", "http.response.status_code"}
	b.ReportAllocs()
	for b.Loop() {
		for _, k := range keys {
			_ = r.Key(k)
		}
	}
}

// Keys in use are answered from the lock-free snapshot, and the cache
// stops growing at its limit.
func TestKeyCache(t *testing.T) {
	r, err := Compile(SchemaRules())
	if err != nil {
		t.Fatal(err)
	}
	r.Key("http.route")
	r.Key("http.route")
	if snap := r.keySnapshot.Load(); snap == nil || len(snap.keys) != 1 {
		t.Fatal("a key asked for twice is not in the snapshot")
	}
	for i := range keyCacheLimit + 100 {
		r.Key(fmt.Sprintf("k%d", i))
		r.Key(fmt.Sprintf("k%d", i))
	}
	if n := len(r.keySnapshot.Load().keys) + len(r.keyPending); n > keyCacheLimit {
		t.Errorf("cache holds %d keys, limit %d", n, keyCacheLimit)
	}
	if !r.Key("a_password_key_never_seen") || r.Key("another.fresh.key") {
		t.Error("keys past the cache limit are answered wrongly")
	}
}
