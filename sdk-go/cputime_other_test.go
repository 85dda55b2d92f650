//go:build !unix

package seam

import "testing"

func loopWithCPU(b *testing.B, op func(), settle ...func()) {
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
	for _, f := range settle {
		f()
	}
}
