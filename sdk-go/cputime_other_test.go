//go:build !unix

package seam

import "testing"

func loopWithCPU(b *testing.B, op func()) {
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
}
