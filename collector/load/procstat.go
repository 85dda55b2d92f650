package main

import "github.com/seamtel/seam/internal/procstat"

// The collector's CPU time and peak memory, read from /proc.
var (
	cpuTime = procstat.CPUTime
	peakRSS = procstat.PeakRSS
)
