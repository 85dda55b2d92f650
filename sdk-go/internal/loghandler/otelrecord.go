package loghandler

import (
	"fmt"
	"log/slog"
	"math"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"

	"github.com/seamtel/seam/sdk-go/internal/loglevel"
)

// otelRecord is r as an OpenTelemetry log record: its time as both
// timestamps (the record is observed where it is logged), its level as
// the severity number with the schema's level name as severity text, its
// message as the body and its attributes as they are. Values are mapped
// as the otelslog bridge maps them: durations and times as int64
// nanoseconds, a uint64 past int64 as a float, groups as maps.
func otelRecord(r slog.Record) log.Record {
	var rec log.Record
	rec.SetTimestamp(r.Time)
	rec.SetObservedTimestamp(r.Time)
	sev := loglevel.Severity(r.Level)
	rec.SetSeverity(log.Severity(sev))
	rec.SetSeverityText(loglevel.SeverityName(sev))
	rec.SetBody(attribute.StringValue(r.Message))
	r.Attrs(func(a slog.Attr) bool {
		addAttr(&rec, a)
		return true
	})
	return rec
}

// addAttr adds a to rec; a group without a key is inlined, as slog's
// handlers do, and an empty attribute is skipped.
func addAttr(rec *log.Record, a slog.Attr) {
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Key == "" && a.Value.Kind() == slog.KindGroup {
		for _, ga := range a.Value.Group() {
			addAttr(rec, ga)
		}
		return
	}
	rec.AddAttributes(attribute.KeyValue{Key: attribute.Key(a.Key), Value: otelValue(a.Value)})
}

func otelValue(v slog.Value) attribute.Value {
	switch v.Kind() {
	case slog.KindString:
		return attribute.StringValue(v.String())
	case slog.KindInt64:
		return attribute.Int64Value(v.Int64())
	case slog.KindBool:
		return attribute.BoolValue(v.Bool())
	case slog.KindFloat64:
		return attribute.Float64Value(v.Float64())
	case slog.KindUint64:
		if u := v.Uint64(); u <= math.MaxInt64 {
			return attribute.Int64Value(int64(u))
		}
		return attribute.Float64Value(float64(v.Uint64()))
	case slog.KindDuration:
		return attribute.Int64Value(v.Duration().Nanoseconds())
	case slog.KindTime:
		return attribute.Int64Value(v.Time().UnixNano())
	case slog.KindGroup:
		group := v.Group()
		kvs := make([]attribute.KeyValue, 0, len(group))
		for _, ga := range group {
			if ga.Equal(slog.Attr{}) {
				continue
			}
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(ga.Key), Value: otelValue(ga.Value)})
		}
		return attribute.MapValue(kvs...)
	case slog.KindLogValuer:
		return otelValue(v.Resolve())
	default:
		// The redacting root renders values of no canonical kind as text
		// before any sink sees them; this is for records that bypass it.
		return attribute.StringValue(fmt.Sprint(v.Any()))
	}
}
