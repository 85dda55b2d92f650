// Package redact applies the schema's redaction rules (registry.seam.sensitive):
// sensitive attribute keys whose values are always replaced, and value
// patterns scanned in string values, log messages and bodies.
//
// A Redactor is compiled once and safe for concurrent use. Its hot paths do
// not allocate when nothing matches: Key is a cached lookup and String
// returns its argument itself.
package redact

import (
	"errors"
	"fmt"
	"math/bits"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Rules is what a Redactor enforces. SchemaRules returns the schema's.
type Rules struct {
	// Replacement is written in place of a sensitive key's value.
	Replacement string
	// Keys are sensitive attribute keys, matched case-insensitively.
	Keys []string
	// KeyPatterns are case-insensitive globs; '*' matches any run of characters.
	KeyPatterns []string
	// Patterns are applied to values in order, each on the previous one's output.
	Patterns []semconv.RedactionPattern
}

// SchemaRules returns the redaction rules generated from the schema.
func SchemaRules() Rules {
	return Rules{
		Replacement: semconv.RedactionReplacement,
		Keys:        semconv.SensitiveKeys,
		KeyPatterns: semconv.SensitiveKeyPatterns,
		Patterns:    semconv.RedactionPatterns,
	}
}

// ValidateLuhn is the RedactionPattern.Validate value that keeps a match
// unless its digits pass the Luhn checksum.
const ValidateLuhn = "luhn"

// keyCacheLimit bounds how many distinct keys Key remembers; keys past it
// are still answered, just without the cache, so memory never grows with
// the variety of keys a service logs.
const keyCacheLimit = 4096

// keyBatch is how many new keys wait before the snapshot is rebuilt.
const keyBatch = 32

// Redactor redacts keys and values by a fixed set of rules.
type Redactor struct {
	replacement string
	keys        []string
	keyGlobs    []glob
	patterns    []pattern
	failClosed  bool
	// trigger has bit i set for the bytes that can start pattern i's
	// closer look; see prefilter.triggers.
	trigger [256]uint64

	// keys already decided: a snapshot map read without locking, and the
	// decisions made since it was taken, folded in every keyBatch of them.
	keySnapshot atomic.Pointer[map[string]bool]
	keyMu       sync.Mutex
	keyPending  map[string]bool
}

type pattern struct {
	name        string
	re          *regexp.Regexp
	replacement string
	luhn        bool
	pre         prefilter
}

// Compile builds a Redactor from rules, reporting every rule it cannot use.
func Compile(rules Rules) (*Redactor, error) {
	r := &Redactor{replacement: rules.Replacement, keys: rules.Keys}
	var errs []error
	if rules.Replacement == "" {
		errs = append(errs, errors.New("redact: Replacement is empty"))
	}
	for _, p := range rules.KeyPatterns {
		if p == "" {
			errs = append(errs, errors.New("redact: empty key pattern"))
			continue
		}
		r.keyGlobs = append(r.keyGlobs, compileGlob(p))
	}
	if len(rules.Patterns) > 64 {
		errs = append(errs, fmt.Errorf("redact: %d value patterns, at most 64 supported", len(rules.Patterns)))
	}
	for _, p := range rules.Patterns {
		cp, err := compilePattern(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if i := len(r.patterns); i < 64 {
			for b, on := range cp.pre.triggers() {
				if on {
					r.trigger[b] |= 1 << i
				}
			}
		}
		r.patterns = append(r.patterns, cp)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return r, nil
}

func compilePattern(p semconv.RedactionPattern) (pattern, error) {
	re, err := regexp.Compile(p.Regex)
	if err != nil {
		return pattern{}, fmt.Errorf("redact: pattern %q: %w", p.Name, err)
	}
	switch p.Validate {
	case "", ValidateLuhn:
	default:
		return pattern{}, fmt.Errorf("redact: pattern %q: unknown validate %q", p.Name, p.Validate)
	}
	pre, err := newPrefilter(p.Regex)
	if err != nil {
		return pattern{}, fmt.Errorf("redact: pattern %q: %w", p.Name, err)
	}
	return pattern{
		name:        p.Name,
		re:          re,
		replacement: p.Replacement,
		luhn:        p.Validate == ValidateLuhn,
		pre:         pre,
	}, nil
}

var defaultRedactor = sync.OnceValue(func() *Redactor {
	r, err := Compile(SchemaRules())
	if err != nil {
		// The generated rules do not compile: a defect the tests report.
		// Fail closed, so a broken build never leaks what it should hide.
		return &Redactor{replacement: semconv.RedactionReplacement, failClosed: true}
	}
	return r
})

// Default returns the Redactor for the schema's rules, compiled on first use.
func Default() *Redactor { return defaultRedactor() }

// Replacement is what replaces the whole value of a sensitive key.
func (r *Redactor) Replacement() string { return r.replacement }

// Key reports whether values under key must be replaced whole.
func (r *Redactor) Key(key string) bool {
	if r.failClosed {
		return true
	}
	if snap := r.keySnapshot.Load(); snap != nil {
		if v, ok := (*snap)[key]; ok {
			return v
		}
	}
	return r.decideKey(key)
}

// decideKey matches key against the rules and remembers the answer.
func (r *Redactor) decideKey(key string) bool {
	r.keyMu.Lock()
	defer r.keyMu.Unlock()
	if v, ok := r.keyPending[key]; ok {
		// Asked for again: a key in use. Publish the pending ones now.
		r.publishKeys()
		return v
	}
	sensitive := r.matchKey(key)
	size := len(r.keyPending)
	if snap := r.keySnapshot.Load(); snap != nil {
		size += len(*snap)
	}
	if size >= keyCacheLimit {
		return sensitive
	}
	if r.keyPending == nil {
		r.keyPending = make(map[string]bool, keyBatch)
	}
	r.keyPending[key] = sensitive
	if len(r.keyPending) >= keyBatch {
		r.publishKeys()
	}
	return sensitive
}

// publishKeys folds the pending decisions into a new snapshot; keyMu held.
func (r *Redactor) publishKeys() {
	snap := r.keySnapshot.Load()
	n := len(r.keyPending)
	if snap != nil {
		n += len(*snap)
	}
	merged := make(map[string]bool, n)
	if snap != nil {
		for k, v := range *snap {
			merged[k] = v
		}
	}
	for k, v := range r.keyPending {
		merged[k] = v
	}
	r.keySnapshot.Store(&merged)
	r.keyPending = nil
}

func (r *Redactor) matchKey(key string) bool {
	for _, k := range r.keys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	for _, g := range r.keyGlobs {
		if g.match(key) {
			return true
		}
	}
	return false
}

// String applies the value patterns to s, in order. It returns s itself,
// without allocating, when no pattern changed it.
func (r *Redactor) String(s string) string {
	if r.failClosed {
		if s == "" {
			return s
		}
		return r.replacement
	}
	pending := r.triggered(s)
	out := s
	for pending != 0 {
		i := bits.TrailingZeros64(pending)
		pending &^= 1 << i
		next := r.patterns[i].apply(out)
		if next != out {
			// A replacement brings its own bytes: look again at what the
			// later patterns may match in the new value.
			out = next
			pending = r.triggered(out) &^ (1<<(i+1) - 1)
		}
	}
	if out == s {
		return s
	}
	return out
}

// triggered returns the patterns whose trigger bytes occur in s.
func (r *Redactor) triggered(s string) uint64 {
	var seen uint64
	for i := 0; i < len(s); i++ {
		seen |= r.trigger[s[i]]
	}
	return seen
}

// Value returns what to write for a string attribute under key: the
// replacement for a sensitive key, otherwise s with the value patterns
// applied. changed reports whether it differs from s.
func (r *Redactor) Value(key, s string) (v string, changed bool) {
	if r.Key(key) {
		return r.replacement, true
	}
	v = r.String(s)
	return v, v != s
}

func (p *pattern) apply(s string) string {
	if !p.pre.mayMatch(s) || !p.re.MatchString(s) {
		return s
	}
	if !p.luhn {
		return p.re.ReplaceAllLiteralString(s, p.replacement)
	}
	out := p.re.ReplaceAllStringFunc(s, func(m string) string {
		if luhnValid(m) {
			return p.replacement
		}
		return m
	})
	if out == s {
		return s // every match failed the checksum: keep the original
	}
	return out
}

// luhnValid reports whether the digits in s (separators ignored) pass the
// Luhn checksum.
func luhnValid(s string) bool {
	sum, n := 0, 0
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if n%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
	}
	return n > 1 && sum%10 == 0
}
