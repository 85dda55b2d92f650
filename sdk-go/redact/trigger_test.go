package redact

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// triggerSamples are the values the trigger tests read: the shared
// vectors, each alone and between words, the fuzz corpus's strings, and
// random mixes of what the patterns look for.
func triggerSamples(t *testing.T) []string {
	t.Helper()
	var samples []string
	for _, c := range loadVectors(t) {
		samples = append(samples, c.Value, "note: "+c.Value+" retried", c.Key+"="+c.Value)
	}
	corpus, err := filepath.Glob("testdata/fuzz/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range corpus {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if q, ok := strings.CutPrefix(line, "string("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					samples = append(samples, s)
				}
			}
		}
	}
	fragments := []string{
		"bearer ", "BEARER\t", "Basic ", "baſic ", "dXNlcjpwYXNzd29yZA==", "eyJ", "abcde", ".", "AKIA", "ASIA",
		"ABIA", "ACCA", "ABCDEFGHIJKLMNOP", "-----BEGIN ", "RSA ", "PRIVATE KEY-----", "-----END ", " BLOCK",
		"ghp_", "gho_", "xoxb-", "4111", " ", "-", "1111", "://", "user", ":", "pw", "@", "/", "é", "K",
		"\u212a", "0123456789", "token=", "=", "Password", "pwd", "api-key", "\"", "'", "\\", "example.com",
		"x.io", "ſecret", "set-cookie: ", "Cookie=", "4111 1111 1111 1111", strings.Repeat("a1", 20),
	}
	mixes(7, 12, fragments, func(s string) { samples = append(samples, s) })
	return samples
}

// A pattern is never skipped on a value it matches, or on one its own
// prefilter lets through: the triggers are a pure superset test.
func TestTriggersNeverHideAMatch(t *testing.T) {
	r := Default()
	for _, s := range triggerSamples(t) {
		got := r.triggers.triggered(s)
		for i := range r.patterns {
			p := &r.patterns[i]
			if got&(1<<i) == 0 && (p.re.MatchString(s) || !p.card && p.pre.mayMatch(s)) {
				t.Fatalf("pattern %s skipped on %q, which it may match", p.name, s)
			}
		}
	}
}

// A value holding one requirement's bytes but not another's skips the
// pattern, and a value with digits but no card run skips the card
// pattern: the common clean values are settled by the one pass.
func TestTriggersSettleCleanValues(t *testing.T) {
	r := Default()
	for _, s := range []string{
		"user@localhost",                   // email needs a dot too
		"quote served for sku 123 in 12ms", // digits, no card run
		"01JD4X7K2M9QZ8R6T5W3V1N042",       // a ULID: 16 digits, none in a run
		"2026-12-02T03:10:19.123456Z",      // ':' but no "://"
		"checkout.price",
		"/v1/quote/{sku}",
		"a@b.", // shorter than any match
	} {
		if got := r.triggers.triggered(s); got != 0 {
			t.Errorf("triggered(%q) = %b, want none", s, got)
		}
	}
}

// A literal's rarer bytes all count: "checkout" and a colon hold the
// cookie pattern's rarest bytes, but no 'i'.
func TestTriggersSkipValuesMissingALiteralsByte(t *testing.T) {
	r := Default()
	for s, skipped := range map[string]string{
		"request completed: status=200 path=/checkout": "cookie_header",
		"01JD4X7K2M9QZ8R6T5W3V1N0PA":                   "jwt",
		"alice@example":                                "email",
		"x-request-id: abc":                            "cookie_header",
	} {
		got := r.triggers.triggered(s)
		for i := range r.patterns {
			if r.patterns[i].name == skipped && got&(1<<i) != 0 {
				t.Errorf("%s triggered on %q", skipped, s)
			}
		}
	}
}

// hasCardRun skips ahead, and must answer exactly as cardRunIn, the
// byte-by-byte reading, does on the whole value.
func TestHasCardRunAgreesWithByteLoop(t *testing.T) {
	check := func(s string) {
		if got, want := hasCardRun(s), cardRunIn(s); got != want {
			t.Fatalf("hasCardRun(%q) = %v, the byte loop says %v", s, got, want)
		}
	}
	// Runs around the 13-digit threshold, split by each kind of separator,
	// at every offset in their context.
	for digits := 10; digits <= 16; digits++ {
		for _, sep := range []string{"", " ", "-", "  ", "--", " -", "x"} {
			for split := 0; split <= digits; split++ {
				run := strings.Repeat("7", split) + sep + strings.Repeat("7", digits-split)
				for _, around := range []string{"", " ", "-", "a", "a ", " -", "1 "} {
					for pad := 0; pad < 14; pad++ {
						check(strings.Repeat("q", pad) + around + run + around)
						check(around + run + around + strings.Repeat("q", pad))
					}
				}
			}
		}
	}
	// Random strings over card bytes and a few others, so stretches of
	// every length meet.
	rng := rand.New(rand.NewPCG(11, 12))
	const alphabet = "0123456789  --x:é"
	for range 200000 {
		b := make([]byte, rng.IntN(60))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		check(string(b))
	}
	for _, s := range triggerSamples(t) {
		check(s)
	}
}
