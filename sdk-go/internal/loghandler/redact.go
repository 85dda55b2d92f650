package loghandler

import (
	"context"
	"log/slog"

	"github.com/seamtel/seam/sdk-go/redact"
)

// redactingHandler is the logger's root: it applies the schema's redaction
// rules once, then hands the clean record to the fan-out, so no sink can
// see a secret. Values of no canonical type are rendered as text first, so
// the value patterns see what a sink would write.
type redactingHandler struct {
	red   *redact.Redactor
	level slog.Leveler
	next  slog.Handler
	// prefix is the dotted path of the open groups, for key matching.
	prefix string
}

// NewRedacting returns the root of a handler chain: records at level or
// above, redacted by red, go to next.
func NewRedacting(red *redact.Redactor, level slog.Leveler, next slog.Handler) slog.Handler {
	return &redactingHandler{red: red, level: level, next: next}
}

func (h *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level.Level() && h.next.Enabled(ctx, l)
}

func (h *redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	msg := h.red.String(r.Message)
	changed := len(msg) != len(r.Message) || msg != r.Message
	if !changed {
		// Most records have nothing to hide: look without copying.
		r.Attrs(func(a slog.Attr) bool {
			_, changed = redactAttr(h.red, h.prefix, a)
			return !changed
		})
	}
	if !changed {
		return h.next.Handle(ctx, r)
	}
	clean := slog.NewRecord(r.Time, r.Level, msg, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		ca, _ := redactAttr(h.red, h.prefix, a)
		clean.AddAttrs(ca)
		return true
	})
	return h.next.Handle(ctx, clean)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i], _ = redactAttr(h.red, h.prefix, a)
	}
	h2 := *h
	h2.next = h.next.WithAttrs(clean)
	return &h2
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.prefix = h.prefix + name + "."
	h2.next = h.next.WithGroup(name)
	return &h2
}

// redactAttr returns a with the rules applied and whether anything changed.
// The key a rule sees is the attribute's full dotted name.
func redactAttr(red *redact.Redactor, prefix string, a slog.Attr) (slog.Attr, bool) {
	v := a.Value
	kind := v.Kind()
	changed := false
	if kind == slog.KindLogValuer {
		v = v.Resolve()
		kind = v.Kind()
		changed = true
	}
	if kind == slog.KindGroup {
		group := v.Group()
		gp := prefix
		if a.Key != "" {
			gp = prefix + a.Key + "."
		}
		var clean []slog.Attr
		for i, ga := range group {
			ca, ch := redactAttr(red, gp, ga)
			if ch && clean == nil {
				clean = make([]slog.Attr, len(group))
				copy(clean, group[:i])
			}
			if clean != nil {
				clean[i] = ca
			}
		}
		if clean != nil {
			return slog.Attr{Key: a.Key, Value: slog.GroupValue(clean...)}, true
		}
		return slog.Attr{Key: a.Key, Value: v}, changed
	}
	if red.Key(keyOf(prefix, a.Key)) {
		return slog.String(a.Key, red.Replacement()), true
	}
	switch kind {
	case slog.KindString:
		s := v.String()
		if out := red.String(s); len(out) != len(s) || out != s {
			return slog.String(a.Key, out), true
		}
	case slog.KindAny:
		return slog.String(a.Key, red.String(anyString(v.Any()))), true
	}
	return slog.Attr{Key: a.Key, Value: v}, changed
}

func keyOf(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + key
}
