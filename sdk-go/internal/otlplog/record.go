package otlplog

import (
	"cmp"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/seamtel/seam/sdk-go/internal/loglevel"
)

// Field numbers of opentelemetry.proto.logs.v1.LogRecord.
const (
	recordTime         protowire.Number = 1
	recordSeverity     protowire.Number = 2
	recordSeverityText protowire.Number = 3
	recordBody         protowire.Number = 5
	recordAttributes   protowire.Number = 6
	recordDropped      protowire.Number = 7
	recordFlags        protowire.Number = 8
	recordTraceID      protowire.Number = 9
	recordSpanID       protowire.Number = 10
	recordObserved     protowire.Number = 11
)

// AppendRecord appends r, logged under sc, to b as the bytes of one
// LogRecord message (without its tag and length), fields in number order
// as proto.Marshal writes them. It maps r as the SDK path does: its time
// as both timestamps, its level as the severity number with the schema's
// level name as severity text, its message as a string body, its
// attributes in order (a group without a key inlined, an empty attribute
// skipped, at most AttributeCountLimit), and sc's IDs and flags when sc is
// valid.
//
// It is AppendHead, AppendAttr for each attribute, then AppendTail: a
// caller that walks the attributes for another reason writes them in the
// same pass.
func AppendRecord(b []byte, sc trace.SpanContext, r slog.Record) []byte {
	b = AppendHead(b, r.Time, r.Level, r.Message)
	var n attrCount
	r.Attrs(func(a slog.Attr) bool {
		b = appendAttr(b, recordAttributes, a, &n)
		return true
	})
	if n.dropped > 0 {
		b = appendTag(b, recordDropped, protowire.VarintType)
		b = appendVarint(b, uint64(n.dropped))
	}
	return AppendTail(b, sc, r.Time)
}

// AttributeCountLimit is the log SDK's default limit on a record's
// attributes (OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT unset): AppendRecord
// keeps the first ones and counts the rest in dropped_attributes_count, as
// the SDK does. A record under another limit is the SDK's to build.
const AttributeCountLimit = 128

// attrCount counts a record's KeyValues against AttributeCountLimit.
type attrCount struct{ kept, dropped int }

// AppendHead appends the fields of a LogRecord that precede its
// attributes: the time, the severity and the body.
func AppendHead(b []byte, t time.Time, level slog.Level, msg string) []byte {
	if ts := unixNano(t); ts != 0 {
		b = appendTag(b, recordTime, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, ts)
	}
	sev := loglevel.Severity(level)
	if sev != 0 {
		b = appendTag(b, recordSeverity, protowire.VarintType)
		b = appendVarint(b, uint64(int64(sev)))
	}
	if name := loglevel.SeverityName(sev); name != "" {
		b = appendString(b, recordSeverityText, name)
	}
	b = appendTag(b, recordBody, protowire.BytesType)
	b = appendVarint(b, uint64(sizeString(msg)))
	return appendString(b, anyString, msg)
}

// AppendAttr appends a as one of a LogRecord's attributes (nothing for an
// empty attribute, each member of a group without a key).
func AppendAttr(b []byte, a slog.Attr) []byte { return appendAttr(b, recordAttributes, a, nil) }

// AppendTail appends the fields of a LogRecord that follow its
// attributes: sc's flags and IDs when sc is valid, and t as the observed
// time.
func AppendTail(b []byte, sc trace.SpanContext, t time.Time) []byte {
	if sc.IsValid() {
		if flags := sc.TraceFlags(); flags != 0 {
			b = appendTag(b, recordFlags, protowire.Fixed32Type)
			b = protowire.AppendFixed32(b, uint32(flags))
		}
		tid, sid := sc.TraceID(), sc.SpanID()
		b = appendTag(b, recordTraceID, protowire.BytesType)
		b = appendBytes(b, tid[:])
		b = appendTag(b, recordSpanID, protowire.BytesType)
		b = appendBytes(b, sid[:])
	}
	if ts := unixNano(t); ts != 0 {
		b = appendTag(b, recordObserved, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, ts)
	}
	return b
}

// unixNano is t in nanoseconds since the epoch, 0 for the zero time and
// times before the epoch, as the exporters' transform writes it.
func unixNano(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	n := t.UnixNano()
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// Field numbers of opentelemetry.proto.common.v1's KeyValue, AnyValue
// and KeyValueList.
const (
	kvKey        protowire.Number = 1
	kvValue      protowire.Number = 2
	anyString    protowire.Number = 1
	anyBool      protowire.Number = 2
	anyInt       protowire.Number = 3
	anyDouble    protowire.Number = 4
	anyArray     protowire.Number = 5
	anyKvlist    protowire.Number = 6
	kvlistValues protowire.Number = 1
	arrayValues  protowire.Number = 1
)

// appendAttr appends a as a KeyValue field num; a group without a key is
// inlined and an empty attribute is skipped, as slog's handlers do. With n,
// a KeyValue past AttributeCountLimit is counted as dropped instead.
func appendAttr(b []byte, num protowire.Number, a slog.Attr, n *attrCount) []byte {
	if a.Key == "" {
		if a.Value.Kind() == slog.KindGroup {
			for _, ga := range a.Value.Group() {
				b = appendAttr(b, num, ga, n)
			}
			return b
		}
		if a.Equal(slog.Attr{}) {
			return b
		}
	}
	if n != nil {
		if n.kept == AttributeCountLimit {
			n.dropped++
			return b
		}
		n.kept++
	}
	return appendKeyValue(b, num, a)
}

func appendKeyValue(b []byte, num protowire.Number, a slog.Attr) []byte {
	kind := a.Value.Kind()
	if n, ok := scalarSize(kind, a.Value); ok {
		// The common case, sized before it is written: no move.
		size := protowire.SizeTag(kvValue) + protowire.SizeBytes(n)
		if a.Key != "" {
			size += sizeString(a.Key)
		}
		b = appendTag(b, num, protowire.BytesType)
		b = appendVarint(b, uint64(size))
		if a.Key != "" {
			b = appendString(b, kvKey, a.Key)
		}
		b = appendTag(b, kvValue, protowire.BytesType)
		b = appendVarint(b, uint64(n))
		return appendValue(b, kind, a.Value)
	}
	return appendMessage(b, num, func(b []byte) []byte {
		if a.Key != "" {
			b = appendString(b, kvKey, a.Key)
		}
		return appendMessage(b, kvValue, func(b []byte) []byte { return appendValue(b, kind, a.Value) })
	})
}

// appendValue appends v's AnyValue fields (v of kind kind), mapped as
// the otelslog bridge maps values: durations and times as int64
// nanoseconds, a uint64 past int64 as a double, groups as key-value
// lists.
func appendValue(b []byte, kind slog.Kind, v slog.Value) []byte {
	switch kind {
	case slog.KindString:
		return appendString(b, anyString, v.String())
	case slog.KindInt64:
		return appendInt(b, v.Int64())
	case slog.KindBool:
		b = appendTag(b, anyBool, protowire.VarintType)
		return appendVarint(b, protowire.EncodeBool(v.Bool()))
	case slog.KindFloat64:
		return appendDouble(b, v.Float64())
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			return appendInt(b, int64(u))
		}
		return appendDouble(b, float64(v.Uint64()))
	case slog.KindDuration:
		return appendInt(b, v.Duration().Nanoseconds())
	case slog.KindTime:
		return appendInt(b, v.Time().UnixNano())
	case slog.KindGroup:
		return appendMessage(b, anyKvlist, func(b []byte) []byte {
			for _, ga := range mapEntries(v.Group()) {
				b = appendKeyValue(b, kvlistValues, ga)
			}
			return b
		})
	case slog.KindLogValuer:
		r := v.Resolve()
		return appendValue(b, r.Kind(), r)
	default:
		// The redacting root renders values of no canonical kind as text
		// before any sink sees them; this is for records that bypass it.
		return appendString(b, anyString, fmt.Sprint(v.Any()))
	}
}

// scalarSize is the encoded size of v's AnyValue fields (v of kind
// kind), and false for the kinds whose size is only known once written
// (groups, and values that are resolved or rendered first).
func scalarSize(kind slog.Kind, v slog.Value) (int, bool) {
	switch kind {
	case slog.KindString:
		return sizeString(v.String()), true
	case slog.KindInt64:
		return sizeInt(v.Int64()), true
	case slog.KindBool:
		return 2, true
	case slog.KindFloat64:
		return 9, true
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			return sizeInt(int64(u)), true
		}
		return 9, true
	case slog.KindDuration:
		return sizeInt(v.Duration().Nanoseconds()), true
	case slog.KindTime:
		return sizeInt(v.Time().UnixNano()), true
	default:
		return 0, false
	}
}

// sizeString is the size of a string field numbered below 16.
func sizeString(s string) int { return 1 + protowire.SizeBytes(len(s)) }

// sizeInt is the size of AnyValue's int_value field holding n.
func sizeInt(n int64) int { return 1 + protowire.SizeVarint(uint64(n)) }

// mapEntries are a group's attributes as the SDK path's map value holds
// them (an attribute.Set): empty ones left out, sorted by key, the last
// of a repeated key kept.
func mapEntries(group []slog.Attr) []slog.Attr {
	entries := make([]slog.Attr, 0, len(group))
	for _, a := range group {
		if !a.Equal(slog.Attr{}) {
			entries = append(entries, a)
		}
	}
	slices.SortStableFunc(entries, func(a, b slog.Attr) int { return cmp.Compare(a.Key, b.Key) })
	out := entries[:0]
	for i, a := range entries {
		if i+1 < len(entries) && entries[i+1].Key == a.Key {
			continue
		}
		out = append(out, a)
	}
	return out
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	b = appendTag(b, num, protowire.BytesType)
	b = appendVarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendInt(b []byte, n int64) []byte {
	b = appendTag(b, anyInt, protowire.VarintType)
	return appendVarint(b, uint64(n))
}

func appendDouble(b []byte, f float64) []byte {
	b = appendTag(b, anyDouble, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, math.Float64bits(f))
}

// appendMessage appends field num holding the message body writes. The
// body's length is not known before it is written, so a one-byte length
// is reserved and the body moved when it turns out longer.
func appendMessage(b []byte, num protowire.Number, body func([]byte) []byte) []byte {
	b = appendTag(b, num, protowire.BytesType)
	at := len(b)
	b = append(b, 0)
	b = body(b)
	n := len(b) - at - 1
	if n < 0x80 {
		b[at] = byte(n)
		return b
	}
	size := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, size-1)...)
	copy(b[at+size:], b[at+1:at+1+n])
	protowire.AppendVarint(b[at:at], uint64(n))
	return b
}
