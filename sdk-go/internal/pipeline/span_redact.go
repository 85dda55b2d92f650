package pipeline

import (
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/seamtel/seam/sdk-go/redact"
)

// redactedSpan is an ended span seen through the schema's redaction rules:
// its attributes, its events' and links' attributes and its status message.
// The SDK's span is left as it is; the exporter reads this view of it.
type redactedSpan struct {
	sdktrace.ReadOnlySpan
	attrs  []attribute.KeyValue
	events []sdktrace.Event
	links  []sdktrace.Link
	status sdktrace.Status
}

func (s *redactedSpan) Attributes() []attribute.KeyValue { return s.attrs }
func (s *redactedSpan) Events() []sdktrace.Event         { return s.events }
func (s *redactedSpan) Links() []sdktrace.Link           { return s.links }
func (s *redactedSpan) Status() sdktrace.Status          { return s.status }

// redactSpan returns s itself when nothing in it is sensitive, which is the
// common case and costs no allocation, else a redacted view of it.
func redactSpan(red *redact.Redactor, s sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	attrs, changed := redactKeyValues(red, s.Attributes())
	events, eventsChanged := redactEach(red, s.Events(), func(e *sdktrace.Event) *[]attribute.KeyValue { return &e.Attributes })
	links, linksChanged := redactEach(red, s.Links(), func(l *sdktrace.Link) *[]attribute.KeyValue { return &l.Attributes })
	changed = changed || eventsChanged || linksChanged
	status := s.Status()
	if msg := red.String(status.Description); msg != status.Description {
		status.Description, changed = msg, true
	}
	if !changed {
		return s
	}
	return &redactedSpan{ReadOnlySpan: s, attrs: attrs, events: events, links: links, status: status}
}

// redactEach redacts the attributes of each item, copying items only when
// one of them changes.
func redactEach[T any](red *redact.Redactor, items []T, attrs func(*T) *[]attribute.KeyValue) ([]T, bool) {
	var out []T
	for i := range items {
		clean, ok := redactKeyValues(red, *attrs(&items[i]))
		if !ok {
			continue
		}
		if out == nil {
			out = append([]T(nil), items...)
		}
		*attrs(&out[i]) = clean
	}
	if out == nil {
		return items, false
	}
	return out, true
}

// redactKeyValues returns kvs with sensitive keys' values replaced and the
// value patterns applied to strings, and whether anything changed; kvs
// itself is never modified.
func redactKeyValues(red *redact.Redactor, kvs []attribute.KeyValue) ([]attribute.KeyValue, bool) {
	var out []attribute.KeyValue
	for i, kv := range kvs {
		clean, ok := redactKeyValue(red, kv)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]attribute.KeyValue(nil), kvs...)
		}
		out[i] = clean
	}
	if out == nil {
		return kvs, false
	}
	return out, true
}

func redactKeyValue(red *redact.Redactor, kv attribute.KeyValue) (attribute.KeyValue, bool) {
	if red.Key(string(kv.Key)) {
		return kv.Key.String(red.Replacement()), true
	}
	switch kv.Value.Type() {
	case attribute.STRING:
		if v := red.String(kv.Value.AsString()); v != kv.Value.AsString() {
			return kv.Key.String(v), true
		}
	case attribute.STRINGSLICE:
		vs := kv.Value.AsStringSlice()
		changed := false
		for i, v := range vs {
			if clean := red.String(v); clean != v {
				vs[i], changed = clean, true
			}
		}
		if changed {
			return kv.Key.StringSlice(vs), true
		}
	}
	return kv, false
}
