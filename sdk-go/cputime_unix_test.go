//go:build unix

package seam

import (
	"syscall"
	"testing"
)

// processCPU returns the CPU time the whole process has used: every
// goroutine, background export work and the garbage collector included.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// loopWithCPU runs op in b.Loop and also reports the process CPU time per
// op as cpu-ns/op: on a shared machine wall time varies with the load, and
// work moved to a background goroutine is still counted here. Each of
// settle, if given, runs after the loop and before the CPU time is read:
// a flush, so background work the ops left queued is counted too.
func loopWithCPU(b *testing.B, op func(), settle ...func()) {
	b.ReportAllocs()
	start := processCPU()
	n := 0
	for b.Loop() {
		op()
		n++
	}
	for _, f := range settle {
		f()
	}
	if used := processCPU() - start; n > 0 && used > 0 {
		b.ReportMetric(float64(used)/float64(n), "cpu-ns/op")
	}
}
