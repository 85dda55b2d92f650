package procstat

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// CPUTime reads for this process what getrusage says it used.
func TestCPUTimeAgreesWithGetrusage(t *testing.T) {
	rusage := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	ruBefore := rusage()
	before, err := CPUTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for rusage()-ruBefore < 300*time.Millisecond {
		// spin
	}
	ruUsed := rusage() - ruBefore
	after, err := CPUTime(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// /proc counts in ticks, rounded at both ends.
	if used := after - before; used < ruUsed-3*Tick || used > ruUsed+3*Tick {
		t.Errorf("CPUTime read %v, getrusage %v", used, ruUsed)
	}
}

func TestPeakRSSIsThisProcesssHighWaterMark(t *testing.T) {
	peak, err := PeakRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if peak <= 0 {
		t.Errorf("peak RSS %d", peak)
	}
}
