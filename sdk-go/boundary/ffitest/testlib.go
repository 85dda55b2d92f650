//go:build seamffi

package ffitest

/*
#cgo CFLAGS: -I${SRCDIR}/.. -I${SRCDIR}/../../../sdk-rust/ffi-testlib/include
#cgo LDFLAGS: -L${SRCDIR}/../../../sdk-rust/target/seam-ffi -lseam_ffi_testlib -lgcc_s -lutil -lrt -lpthread -lm -ldl
#cgo noescape testlib_bare
#cgo nocallback testlib_bare
#include "seam_testlib.h"
*/
import "C"

import (
	"unsafe"

	"go.opentelemetry.io/otel/trace"
)

// Input and Output are the testlib's C structs.
type (
	Input  = C.TestlibInput
	Output = C.TestlibOutput
)

// The testlib's entry points, for boundary.NewFunc.
var (
	entryDouble                   = unsafe.Pointer(C.testlib_double)
	entryDoubleInParent           = unsafe.Pointer(C.testlib_double_in_parent)
	entryDoubleRaw                = unsafe.Pointer(C.testlib_double_raw)
	entryDoubleOtelParent         = unsafe.Pointer(C.testlib_double_otel_parent)
	entryDoubleOtelSpan           = unsafe.Pointer(C.testlib_double_otel_span)
	entryDoubleOtelKept           = unsafe.Pointer(C.testlib_double_otel_kept_parent)
	entryDoubleOtelKeptUnattached = unsafe.Pointer(C.testlib_double_otel_kept_unattached)
	entryLog                      = unsafe.Pointer(C.testlib_log)
	entryWhoami                   = unsafe.Pointer(C.testlib_whoami)
	entryWhoamiInParent           = unsafe.Pointer(C.testlib_whoami_in_parent)
	entryPanic                    = unsafe.Pointer(C.testlib_panic)
	entryFail                     = unsafe.Pointer(C.testlib_fail)
	entrySleep                    = unsafe.Pointer(C.testlib_sleep)
)

// bare is the same work as testlib_double with nothing around it: one plain
// cgo call, the benchmarks' baseline.
func bare(in *Input, out *Output) int32 {
	return int32(C.testlib_bare(in, out))
}

// bodyRuns is how many entry point bodies have started in this process.
func bodyRuns() uint64 {
	return uint64(C.testlib_body_runs())
}

func newInput(value int64, sleepMS uint64) Input {
	return Input{value: C.int64_t(value), sleep_ms: C.uint64_t(sleepMS)}
}

// outputValue is what the body wrote: twice the input value.
func outputValue(o *Output) int64 { return int64(o.value) }

// outputIDs are the trace and span ids current in a whoami body.
func outputIDs(o *Output) (trace.TraceID, trace.SpanID) {
	return *(*trace.TraceID)(unsafe.Pointer(&o.trace_id)), *(*trace.SpanID)(unsafe.Pointer(&o.span_id))
}

// outputCorrelationIDLen is the length of the correlation id the body saw.
func outputCorrelationIDLen(o *Output) uint64 { return uint64(o.correlation_id_len) }
