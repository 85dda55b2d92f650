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
	"maps"
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

// ValidateCard is the RedactionPattern.Validate value that replaces only
// the card numbers in a match: see cardStart.
const ValidateCard = "card"

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
	triggers    *triggers

	// keys already decided: a snapshot map read without locking, and the
	// decisions made since it was taken, folded in every keyBatch of them.
	keySnapshot atomic.Pointer[keySnapshot]
	keyMu       sync.Mutex
	keyPending  map[string]bool
}

type pattern struct {
	name        string
	re          *regexp.Regexp
	replacement string
	// template is the replacement split at its ${name} references; nil
	// when it has none and is written as it is.
	template []templatePart
	card     bool
	pre      prefilter
}

// templatePart is a literal piece of a replacement, or, when group is
// positive, the text of that capture group.
type templatePart struct {
	lit   string
	group int
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
		r.patterns = append(r.patterns, cp)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	r.triggers = newTriggers(r.patterns)
	return r, nil
}

func compilePattern(p semconv.RedactionPattern) (pattern, error) {
	re, err := compileRegexp(p.Regex)
	if err != nil {
		return pattern{}, fmt.Errorf("redact: pattern %q: %w", p.Name, err)
	}
	switch p.Validate {
	case "", ValidateCard:
	default:
		return pattern{}, fmt.Errorf("redact: pattern %q: unknown validate %q", p.Name, p.Validate)
	}
	template, err := parseTemplate(p.Replacement, re)
	if err != nil {
		return pattern{}, fmt.Errorf("redact: pattern %q: %w", p.Name, err)
	}
	pre, err := newPrefilter(p.Regex)
	if err != nil {
		return pattern{}, fmt.Errorf("redact: pattern %q: %w", p.Name, err)
	}
	return pattern{
		name:        p.Name,
		re:          re,
		replacement: p.Replacement,
		template:    template,
		card:        p.Validate == ValidateCard,
		pre:         pre,
	}, nil
}

// parseTemplate splits a replacement at its ${name} references, each of
// which must name a group of re. It returns nil for a replacement without
// any: the common case, written as it is.
func parseTemplate(replacement string, re *regexp.Regexp) ([]templatePart, error) {
	var parts []templatePart
	rest := replacement
	for {
		i := strings.Index(rest, "${")
		end := -1
		if i >= 0 {
			end = strings.IndexByte(rest[i:], '}')
		}
		if end < 0 {
			break
		}
		name := rest[i+2 : i+end]
		g := re.SubexpIndex(name)
		if g < 0 {
			return nil, fmt.Errorf("replacement refers to ${%s}, which is no group of the regex", name)
		}
		if i > 0 {
			parts = append(parts, templatePart{lit: rest[:i]})
		}
		parts = append(parts, templatePart{group: g})
		rest = rest[i+end+1:]
	}
	if parts == nil {
		return nil, nil
	}
	if rest != "" {
		parts = append(parts, templatePart{lit: rest})
	}
	return parts, nil
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
		if v, ok := snap.lookup(key); ok {
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
		size += len(snap.keys)
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
		n += len(snap.keys)
	}
	merged := make(map[string]bool, n)
	if snap != nil {
		maps.Copy(merged, snap.keys)
	}
	maps.Copy(merged, r.keyPending)
	r.keySnapshot.Store(newKeySnapshot(merged))
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
	pending := r.triggers.triggered(s)
	if pending == 0 {
		return s
	}
	out := s
	for pending != 0 {
		i := bits.TrailingZeros64(pending)
		pending &^= 1 << i
		next := r.patterns[i].apply(out)
		if next != out {
			// A replacement brings its own bytes: look again at what the
			// later patterns may match in the new value.
			out = next
			pending = r.triggers.triggered(out) &^ (1<<(i+1) - 1)
		}
	}
	if out == s {
		return s
	}
	return out
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
	if p.card {
		// A card run is a stronger test than the prefilter's digit count,
		// in one pass.
		return p.replaceCards(s)
	}
	if !p.pre.mayMatch(s) {
		return s
	}
	return p.replace(s)
}

// replace applies the pattern to s, which the prefilter let through.
func (p *pattern) replace(s string) string {
	switch {
	case p.card:
		return p.replaceCards(s)
	case p.template != nil:
		return p.expand(s)
	case !p.re.MatchString(s):
		return s
	}
	return p.re.ReplaceAllLiteralString(s, p.replacement)
}

// expand writes the template in place of each match.
func (p *pattern) expand(s string) string {
	matches := p.re.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		b.WriteString(s[last:m[0]])
		for _, part := range p.template {
			if part.group == 0 {
				b.WriteString(part.lit)
			} else if lo, hi := m[2*part.group], m[2*part.group+1]; lo >= 0 {
				b.WriteString(s[lo:hi])
			}
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceCards replaces, in each match, the card it holds and what follows
// the card in the match; matches without a card stay.
func (p *pattern) replaceCards(s string) string {
	if !hasCardRun(s) {
		// Most values with 13 digits, such as ULIDs and timestamps with
		// letters or colons between their digits, have no run the regexp
		// could match: skip its backtracking.
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range p.re.FindAllStringIndex(s, -1) {
		at := cardStart(s[m[0]:m[1]])
		if at < 0 {
			continue
		}
		b.WriteString(s[last : m[0]+at])
		b.WriteString(p.replacement)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Card numbers hold 13 to 19 digits.
const minCardDigits, maxCardDigits = 13, 19

// hasCardRun reports whether s holds minCardDigits digits in one run of
// digits separated by single spaces or dashes: what every match of the
// card pattern holds, and so what a card needs.
//
// Such a run lies within a stretch of at least minCardDigits card bytes
// (digits, spaces, dashes), so only those stretches are read in full. The
// last byte of a window of minCardDigits is looked at first: when it is no
// card byte, no stretch that long can hold it, and the window moves past
// it; most text is passed over a few bytes per window.
func hasCardRun(s string) bool {
	// start is where a stretch may begin: 0, or just after a byte that is
	// no card byte.
	for start := 0; start+minCardDigits <= len(s); {
		last := start + minCardDigits - 1
		if !isCardByte(s[last]) {
			start = last + 1
			continue
		}
		before := last - 1
		for before >= start && isCardByte(s[before]) {
			before--
		}
		if before >= start {
			start = before + 1
			continue
		}
		end := last + 1
		for end < len(s) && isCardByte(s[end]) {
			end++
		}
		if cardRunIn(s[start:end]) {
			return true
		}
		start = end + 1
	}
	return false
}

func isCardByte(c byte) bool { return '0' <= c && c <= '9' || c == ' ' || c == '-' }

// cardRunIn is hasCardRun for a stretch of card bytes, read byte by byte.
func cardRunIn(s string) bool {
	run, afterSep := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			if run++; run >= minCardDigits {
				return true
			}
			afterSep = false
		case (c == ' ' || c == '-') && run > 0 && !afterSep:
			afterSep = true
		default:
			run, afterSep = 0, false
		}
	}
	return false
}

// cardStart returns where the first card in run begins, or -1. run is
// digit groups separated by single spaces or dashes. A card is a window of
// whole groups with 13 to 19 digits that starts with 2 to 6 (the card
// networks' first digits; timestamps and most ids start with 1), passes
// the Luhn check, and is one group or starts with a group of four, as
// cards are written (4-4-4-4, 4-6-5). Trying windows finds a card followed
// by its CVV or preceded by other numbers; the grouping rules keep lists
// of short numbers from being read as cards.
func cardStart(run string) int {
	for start := 0; start < len(run); {
		first := groupEnd(run, start) - start
		if c := run[start]; c >= '2' && c <= '6' && cardWindow(run[start:], first) {
			return start
		}
		start += first + 1 // past the separator
	}
	return -1
}

// cardWindow reports whether some window of whole groups at the start of
// run, whose first group has first digits, is a card.
func cardWindow(run string, first int) bool {
	var digits [maxCardDigits]byte
	n := 0
	for i := 0; i < len(run); i++ {
		c := run[i]
		if c < '0' || c > '9' {
			if first != 4 {
				return false // only a single group can be the window
			}
			continue
		}
		if n == maxCardDigits {
			return false
		}
		digits[n] = c - '0'
		n++
		if end := i + 1; (end == len(run) || run[end] < '0' || run[end] > '9') && n >= minCardDigits && luhn(digits[:n]) {
			return true
		}
	}
	return false
}

// groupEnd returns the index after the digit group that starts at i.
func groupEnd(run string, i int) int {
	for i < len(run) && run[i] >= '0' && run[i] <= '9' {
		i++
	}
	return i
}

// luhn reports whether digits (values 0 to 9) pass the Luhn checksum.
func luhn(digits []byte) bool {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i])
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return len(digits) > 1 && sum%10 == 0
}
