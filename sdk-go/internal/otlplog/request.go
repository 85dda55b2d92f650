package otlplog

import (
	"math"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of ExportLogsServiceRequest, ResourceLogs, Resource,
// ScopeLogs and InstrumentationScope.
const (
	requestResourceLogs protowire.Number = 1
	rlResource          protowire.Number = 1
	rlScopeLogs         protowire.Number = 2
	rlSchemaURL         protowire.Number = 3
	resourceAttributes  protowire.Number = 1
	slScope             protowire.Number = 1
	slLogRecords        protowire.Number = 2
	slSchemaURL         protowire.Number = 3
	scopeName           protowire.Number = 1
	scopeVersion        protowire.Number = 2
	scopeAttributes     protowire.Number = 3
)

// Request assembles ExportLogsServiceRequests of one resource and one
// scope around encoded records. Its encoded parts never change, so one
// Request serves every export and is safe for concurrent use.
type Request struct {
	resource    []byte // the Resource field of ResourceLogs, tag included
	resourceURL []byte // ResourceLogs' schema_url field, tag included
	scope       []byte // the scope and schema_url fields of ScopeLogs
}

// NewRequest encodes res and scope as the OTLP log exporters do: no
// Resource for an empty one, no scope for the zero one.
func NewRequest(res *resource.Resource, scope instrumentation.Scope) *Request {
	r := &Request{}
	if res.Len() > 0 {
		r.resource = appendMessage(nil, rlResource, func(b []byte) []byte {
			return appendAttributes(b, resourceAttributes, res.Iter())
		})
	}
	if url := res.SchemaURL(); url != "" {
		r.resourceURL = appendString(nil, rlSchemaURL, url)
	}
	if scope != (instrumentation.Scope{}) {
		r.scope = appendMessage(nil, slScope, func(b []byte) []byte {
			if scope.Name != "" {
				b = appendString(b, scopeName, scope.Name)
			}
			if scope.Version != "" {
				b = appendString(b, scopeVersion, scope.Version)
			}
			return appendAttributes(b, scopeAttributes, scope.Attributes.Iter())
		})
		if scope.SchemaURL != "" {
			r.scope = appendString(r.scope, slSchemaURL, scope.SchemaURL)
		}
	}
	return r
}

// Append appends to b the ExportLogsServiceRequest holding records, each
// the bytes of one LogRecord (AppendRecord's).
func (r *Request) Append(b []byte, records [][]byte) []byte {
	scopeLogs := len(r.scope)
	for _, rec := range records {
		scopeLogs += protowire.SizeTag(slLogRecords) + protowire.SizeBytes(len(rec))
	}
	resourceLogs := len(r.resource) + protowire.SizeTag(rlScopeLogs) + protowire.SizeBytes(scopeLogs) + len(r.resourceURL)

	b = appendTag(b, requestResourceLogs, protowire.BytesType)
	b = appendVarint(b, uint64(resourceLogs))
	b = append(b, r.resource...)
	b = appendTag(b, rlScopeLogs, protowire.BytesType)
	b = appendVarint(b, uint64(scopeLogs))
	b = append(b, r.scope...)
	for _, rec := range records {
		b = appendTag(b, slLogRecords, protowire.BytesType)
		b = appendBytes(b, rec)
	}
	return append(b, r.resourceURL...)
}

// appendAttributes appends each attribute as a KeyValue field num.
func appendAttributes(b []byte, num protowire.Number, it attribute.Iterator) []byte {
	for it.Next() {
		kv := it.Attribute()
		b = appendMessage(b, num, func(b []byte) []byte {
			if kv.Key != "" {
				b = appendString(b, kvKey, string(kv.Key))
			}
			return appendMessage(b, kvValue, func(b []byte) []byte { return appendAttrValue(b, kv.Value) })
		})
	}
	return b
}

// appendAttrValue appends v's AnyValue fields; slices become arrays.
func appendAttrValue(b []byte, v attribute.Value) []byte {
	switch v.Type() {
	case attribute.BOOL:
		b = appendTag(b, anyBool, protowire.VarintType)
		return appendVarint(b, protowire.EncodeBool(v.AsBool()))
	case attribute.INT64:
		return appendInt(b, v.AsInt64())
	case attribute.FLOAT64:
		return appendDouble(b, v.AsFloat64())
	case attribute.STRING:
		return appendString(b, anyString, v.AsString())
	case attribute.BOOLSLICE:
		return appendArray(b, v.AsBoolSlice(), func(b []byte, x bool) []byte {
			b = appendTag(b, anyBool, protowire.VarintType)
			return appendVarint(b, protowire.EncodeBool(x))
		})
	case attribute.INT64SLICE:
		return appendArray(b, v.AsInt64Slice(), appendInt)
	case attribute.FLOAT64SLICE:
		return appendArray(b, v.AsFloat64Slice(), func(b []byte, x float64) []byte {
			b = appendTag(b, anyDouble, protowire.Fixed64Type)
			return protowire.AppendFixed64(b, math.Float64bits(x))
		})
	case attribute.STRINGSLICE:
		return appendArray(b, v.AsStringSlice(), func(b []byte, x string) []byte { return appendString(b, anyString, x) })
	default:
		// A resource holds only the kinds above; anything else is sent
		// as its text rather than lost.
		return appendString(b, anyString, v.Emit())
	}
}

func appendArray[T any](b []byte, xs []T, each func([]byte, T) []byte) []byte {
	return appendMessage(b, anyArray, func(b []byte) []byte {
		for _, x := range xs {
			b = appendMessage(b, arrayValues, func(b []byte) []byte { return each(b, x) })
		}
		return b
	})
}
