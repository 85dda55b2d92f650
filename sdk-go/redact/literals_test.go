package redact

import (
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/seamtel/seam/sdk-go/semconv"
)

func TestExact(t *testing.T) {
	for expr, want := range map[string]string{
		`api[_-]?key`:           "api-key api_key apikey",
		`(?i)api[_-]?key`:       "api-key/i api_key/i apikey/i",
		`gh[pousr]_`:            "gho_ ghp_ ghr_ ghs_ ghu_",
		`(?:set-)?cookie`:       "cookie set-cookie",
		`(?i)Token|pwd`:         "pwd/i token/i",
		`(?i:ab)cd`:             "", // a literal cannot fold only some of its letters
		`[a-z]x`:                "", // 26 letters times one: within bounds, but see below
		`(?i)k`:                 "k/i",
		`(?i)[k]`:               "", // folds onto the Kelvin sign
		`x+`:                    "",
		`x{2}`:                  "",
		`(?:a|b)(?:c|d)(?:e|f)`: "ace acf ade adf bce bcf bde bdf",
	} {
		re, err := syntax.Parse(expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		set, ok := exact(re)
		var got []string
		for _, l := range set {
			if l.fold {
				l.s += "/i"
			}
			got = append(got, l.s)
		}
		slices.Sort(got)
		if expr == `[a-z]x` {
			if !ok || len(got) != 26 {
				t.Errorf("exact(%s) = %v, %v: want the 26 pairs", expr, got, ok)
			}
			continue
		}
		if g := strings.Join(got, " "); g != want || ok != (want != "") {
			t.Errorf("exact(%s) = %q, %v; want %q", expr, g, ok, want)
		}
	}
}

// A run whose parts differ in case folding keeps each part's case: the
// literal it would need cannot be written, so none is required.
func TestExactRunsKeepCase(t *testing.T) {
	r, err := Compile(Rules{Replacement: "X", Patterns: []semconv.RedactionPattern{
		{Name: "mixed", Regex: `Key(?i:word)=[0-9]+`, Replacement: "[gone]"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Keyword=1", "KeyWORD=12", "a KeyWoRd=3"} {
		if got := r.String(s); !strings.Contains(got, "[gone]") {
			t.Errorf("String(%q) = %q: not redacted", s, got)
		}
	}
	for _, s := range []string{"keyword=1", "KEYWORD=1"} {
		if got := r.String(s); got != s {
			t.Errorf("String(%q) = %q: Key is case-sensitive", s, got)
		}
	}
}

// The schema's keyword alternation requires whole keywords, so a value
// with "api" and '=' but no key name is settled by the prefilter without
// the regexp.
func TestSecretAssignmentRequiresWholeKeywords(t *testing.T) {
	r := Default()
	for i := range r.patterns {
		p := &r.patterns[i]
		if p.name != "secret_assignment" {
			continue
		}
		for _, s := range []string{"https://api.example.com/v1/quotes/123?currency=EUR", "GET /api/v1/orders?page=2"} {
			if p.pre.mayMatch(s) {
				t.Errorf("secret_assignment's prefilter lets %q through", s)
			}
		}
		for _, s := range []string{"api_key=abc", "API-KEY: abc", "apikey=1", "x-passwd=2"} {
			if !p.pre.mayMatch(s) {
				t.Errorf("secret_assignment's prefilter rejects %q", s)
			}
		}
		return
	}
	t.Fatal("the schema has no secret_assignment pattern")
}
