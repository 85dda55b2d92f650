package logline

import (
	"fmt"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Header holds the fixed fields of a line. A zero TraceID, SpanID or an empty
// CorrelationID is omitted from the line, never written empty.
type Header struct {
	Time          time.Time
	Level         string
	Msg           string
	ServiceName   string
	Impl          string
	TraceID       trace.TraceID
	SpanID        trace.SpanID
	CorrelationID string
}

type field uint8

const (
	fieldTime field = iota
	fieldLevel
	fieldMsg
	fieldServiceName
	fieldImpl
	fieldTraceID
	fieldSpanID
	fieldCorrelationID
)

var fieldByName = map[string]field{
	semconv.LogFieldTime:              fieldTime,
	semconv.LogFieldLevel:             fieldLevel,
	semconv.LogFieldMsg:               fieldMsg,
	semconv.LogFieldServiceName:       fieldServiceName,
	semconv.LogFieldSeamImpl:          fieldImpl,
	semconv.LogFieldTraceID:           fieldTraceID,
	semconv.LogFieldSpanID:            fieldSpanID,
	semconv.LogFieldSeamCorrelationID: fieldCorrelationID,
}

// layout is the schema's field order with each field's quoted name and
// separator rendered once, so writing a header is a run of appends.
type layout struct {
	fields []field
	keys   []string // `{"time":`, `,"level":`, ...
}

var schemaLayout = mustLayout(semconv.LogFields)

func mustLayout(names []string) layout {
	l, err := newLayout(names)
	if err != nil {
		// The schema generator and this package disagree: a build-time
		// defect that the conformance tests report before any release.
		panic(err)
	}
	return l
}

func newLayout(names []string) (layout, error) {
	var l layout
	for i, name := range names {
		f, ok := fieldByName[name]
		if !ok {
			return layout{}, fmt.Errorf("logline: schema log field %q has no encoder", name)
		}
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		key := append([]byte{sep}, AppendString(nil, name)...)
		l.fields = append(l.fields, f)
		l.keys = append(l.keys, string(append(key, ':')))
	}
	if len(l.fields) == 0 || l.fields[0] != fieldTime {
		return layout{}, fmt.Errorf("logline: schema log fields must start with %q", semconv.LogFieldTime)
	}
	return l, nil
}

// AppendHeader opens a line and writes its fixed fields in schema order.
// Attributes follow with AppendKey and a value; End closes the line.
func AppendHeader(b []byte, h *Header) []byte {
	for i, f := range schemaLayout.fields {
		switch f {
		case fieldTime:
			b = append(b, schemaLayout.keys[i]...)
			b = AppendTime(b, h.Time)
		case fieldLevel:
			b = append(b, schemaLayout.keys[i]...)
			b = AppendString(b, h.Level)
		case fieldMsg:
			b = append(b, schemaLayout.keys[i]...)
			b = AppendString(b, h.Msg)
		case fieldServiceName:
			b = append(b, schemaLayout.keys[i]...)
			b = AppendString(b, h.ServiceName)
		case fieldImpl:
			b = append(b, schemaLayout.keys[i]...)
			b = AppendString(b, h.Impl)
		case fieldTraceID:
			if h.TraceID.IsValid() {
				b = append(b, schemaLayout.keys[i]...)
				b = appendHex(b, h.TraceID[:])
			}
		case fieldSpanID:
			if h.SpanID.IsValid() {
				b = append(b, schemaLayout.keys[i]...)
				b = appendHex(b, h.SpanID[:])
			}
		case fieldCorrelationID:
			if h.CorrelationID != "" {
				b = append(b, schemaLayout.keys[i]...)
				b = AppendString(b, h.CorrelationID)
			}
		}
	}
	return b
}

// End closes the JSON object. The newline that separates lines is the
// writer's business.
func End(b []byte) []byte { return append(b, '}') }

func appendHex(b []byte, id []byte) []byte {
	b = append(b, '"')
	for _, c := range id {
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(b, '"')
}
