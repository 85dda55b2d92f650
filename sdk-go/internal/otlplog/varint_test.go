package otlplog

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestOneByteEncodingsAreProtowires(t *testing.T) {
	for num := protowire.Number(1); num < 16; num++ {
		for _, typ := range []protowire.Type{protowire.VarintType, protowire.Fixed32Type, protowire.Fixed64Type, protowire.BytesType} {
			if got, want := appendTag(nil, num, typ), protowire.AppendTag(nil, num, typ); !bytes.Equal(got, want) {
				t.Errorf("tag %d/%d: %x, want %x", num, typ, got, want)
			}
		}
	}
	for _, v := range []uint64{0, 1, 0x7f, 0x80, 300, 1 << 40, ^uint64(0)} {
		if got, want := appendVarint(nil, v), protowire.AppendVarint(nil, v); !bytes.Equal(got, want) {
			t.Errorf("varint %d: %x, want %x", v, got, want)
		}
	}
}
