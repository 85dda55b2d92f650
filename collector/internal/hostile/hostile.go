// Package hostile builds the hostile OTLP requests the collector's tests
// send: valid on the wire, and built to hurt a decoder.
package hostile

import "strings"

// KVListBomb is a valid ExportLogsServiceRequest (protobuf) whose one
// record's body nests key-value lists depth deep. It is written back to
// front into one buffer, each level's headers before the bytes already
// there, so a million levels cost O(size), not O(size * depth).
func KVListBomb(depth int) []byte {
	buf := make([]byte, 24*depth+64)
	pos := len(buf)
	prepend := func(b ...byte) {
		pos -= len(b)
		copy(buf[pos:], b)
	}
	header := func(num, length int) {
		var v []byte
		v = appendVarint(v, uint64(num)<<3|2)
		v = appendVarint(v, uint64(length))
		prepend(v...)
	}
	prepend(0x0a, 0x01, 'x') // AnyValue{string_value: "x"}
	for range depth {
		end := len(buf)
		header(2, end-pos)    // KeyValue.value
		prepend(0x0a, 1, 'k') // KeyValue.key
		header(1, end-pos)    // KeyValueList.values
		header(6, end-pos)    // AnyValue.kvlist_value
	}
	end := len(buf)
	header(5, end-pos) // LogRecord.body
	header(2, end-pos) // ScopeLogs.log_records
	header(2, end-pos) // ResourceLogs.scope_logs
	header(1, end-pos) // ExportLogsServiceRequest.resource_logs
	return buf[pos:]
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// JSONKVListBomb is the same request as OTLP/JSON, depth lists deep.
func JSONKVListBomb(depth int) []byte {
	var b strings.Builder
	b.WriteString(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":`)
	for range depth {
		b.WriteString(`{"kvlistValue":{"values":[{"key":"k","value":`)
	}
	b.WriteString(`{"stringValue":"x"}`)
	for range depth {
		b.WriteString(`}]}}`)
	}
	b.WriteString(`}]}]}]}`)
	return []byte(b.String())
}
