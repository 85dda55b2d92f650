//go:build !unix

package runtimemetrics

// readProcessUsage has nothing to read where getrusage is missing.
func readProcessUsage() processUsage { return processUsage{} }
