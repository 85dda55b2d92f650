//go:build unix

package runtimemetrics

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// readProcessUsage reads CPU time from getrusage and, on Linux, resident
// memory from /proc/self/statm.
func readProcessUsage() processUsage {
	var u processUsage
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.user = float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6
		u.system = float64(ru.Stime.Sec) + float64(ru.Stime.Usec)/1e6
		u.cpuOK = true
	}
	// statm: size resident shared ..., in pages.
	if raw, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := bytes.Fields(raw); len(f) > 1 {
			if pages, err := strconv.ParseInt(string(f[1]), 10, 64); err == nil {
				u.rss, u.rssOK = pages*int64(os.Getpagesize()), true
			}
		}
	}
	return u
}
