package pipeline

import (
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/seamtel/seam/sdk-go/redact"
)

// redactedSpan is an ended span seen through the schema's redaction rules:
// its name, its attributes, its events' names and attributes, its links'
// attributes and its status message. The SDK's span is left as it is; the
// exporter reads this view of it.
type redactedSpan struct {
	sdktrace.ReadOnlySpan
	name   string
	attrs  []attribute.KeyValue
	events []sdktrace.Event
	links  []sdktrace.Link
	status sdktrace.Status
}

func (s *redactedSpan) Name() string                     { return s.name }
func (s *redactedSpan) Attributes() []attribute.KeyValue { return s.attrs }
func (s *redactedSpan) Events() []sdktrace.Event         { return s.events }
func (s *redactedSpan) Links() []sdktrace.Link           { return s.links }
func (s *redactedSpan) Status() sdktrace.Status          { return s.status }

// redactSpan returns s itself when nothing in it is sensitive, which is the
// common case and costs no allocation, else a redacted view of it.
func redactSpan(red *redact.Redactor, s sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	name := red.String(s.Name())
	attrs, changed := redactKeyValues(red, s.Attributes())
	events, eventsChanged := redactEach(red, s.Events(), redactEvent)
	links, linksChanged := redactEach(red, s.Links(), func(red *redact.Redactor, l *sdktrace.Link) bool {
		var ok bool
		l.Attributes, ok = redactKeyValues(red, l.Attributes)
		return ok
	})
	changed = changed || eventsChanged || linksChanged || name != s.Name()
	status := s.Status()
	if msg := red.String(status.Description); msg != status.Description {
		status.Description, changed = msg, true
	}
	if !changed {
		return s
	}
	return &redactedSpan{ReadOnlySpan: s, name: name, attrs: attrs, events: events, links: links, status: status}
}

// redactEvent redacts e's name and attributes, reporting a change.
func redactEvent(red *redact.Redactor, e *sdktrace.Event) bool {
	name := red.String(e.Name)
	attrs, changed := redactKeyValues(red, e.Attributes)
	changed = changed || name != e.Name
	e.Name, e.Attributes = name, attrs
	return changed
}

// redactEach redacts each item with redactItem, which changes a copy in
// place and reports whether it did; items are copied only when one of
// them changes.
func redactEach[T any](red *redact.Redactor, items []T, redactItem func(*redact.Redactor, *T) bool) ([]T, bool) {
	var out []T
	for i := range items {
		item := items[i]
		if !redactItem(red, &item) {
			continue
		}
		if out == nil {
			out = append([]T(nil), items...)
		}
		out[i] = item
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
	v, changed := redactValue(red, string(kv.Key), kv.Value)
	if !changed {
		return kv, false
	}
	return attribute.KeyValue{Key: kv.Key, Value: v}, true
}

// redactValue returns v redacted as the value of key: the replacement if
// key is sensitive, else the value patterns applied to its strings, in
// slices and maps too (a map's own keys are matched as keys). An empty key,
// a log body's or a slice element's, is not matched.
func redactValue(red *redact.Redactor, key string, v attribute.Value) (attribute.Value, bool) {
	if key != "" && red.Key(key) {
		return attribute.StringValue(red.Replacement()), true
	}
	switch v.Type() {
	case attribute.STRING:
		if s := red.String(v.AsString()); s != v.AsString() {
			return attribute.StringValue(s), true
		}
	case attribute.STRINGSLICE:
		vs := v.AsStringSlice()
		changed := false
		for i, s := range vs {
			if clean := red.String(s); clean != s {
				vs[i], changed = clean, true
			}
		}
		if changed {
			return attribute.StringSliceValue(vs), true
		}
	case attribute.SLICE:
		if vs, changed := redactEach(red, v.AsSlice(), func(red *redact.Redactor, e *attribute.Value) bool {
			var changed bool
			*e, changed = redactValue(red, "", *e)
			return changed
		}); changed {
			return attribute.SliceValue(vs...), true
		}
	case attribute.MAP:
		if kvs, changed := redactKeyValues(red, v.AsMap()); changed {
			return attribute.MapValue(kvs...), true
		}
	}
	return v, false
}
