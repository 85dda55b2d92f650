package otlplog

import "google.golang.org/protobuf/encoding/protowire"

// Most tags and lengths in a log record fit in one byte: these append
// that byte inline, and leave longer varints to protowire.

func appendVarint(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return protowire.AppendVarint(b, v)
}

// appendTag appends the tag of field num, which must be below 16 (every
// field Seam writes is) to fit the one byte.
func appendTag(b []byte, num protowire.Number, typ protowire.Type) []byte {
	return append(b, byte(num)<<3|byte(typ))
}

func appendBytes(b []byte, v []byte) []byte {
	return append(appendVarint(b, uint64(len(v))), v...)
}
