package boundary

/*
#cgo CFLAGS: -I${SRCDIR}
#cgo noescape seam_boundary_invoke
#cgo nocallback seam_boundary_invoke
#cgo noescape seam_boundary_invoke_checked
#cgo nocallback seam_boundary_invoke_checked
#cgo noescape seam_free_error
#cgo nocallback seam_free_error
#include "seam.h"

#include <stdint.h>

typedef SeamStatus (*seam_boundary_entry)(SeamContext ctx, const void *input, void *output, SeamError *error);

// cgo cannot call a C function pointer, so these call the entry point for it.
//
// cgo checks at run time every argument whose Go type may point to a Go
// pointer, and that check costs as much as the call. Here the entry point is a
// C address (uintptr_t), the error slot only ever holds a C pointer, and the
// input and output are typed uint8_t when Go has proven their types hold no
// pointers (see pointerFree); SeamContext's own pointers are to bytes. So cgo
// proves all of them safe when it compiles, and checks nothing per call. The
// _checked variant keeps the run-time check for inputs and outputs that hold
// pointers.
static inline SeamStatus seam_boundary_invoke(uintptr_t entry, SeamContext ctx, const uint8_t *input, uint8_t *output, uint8_t *error) {
	return ((seam_boundary_entry)entry)(ctx, input, output, (SeamError *)error);
}

static inline SeamStatus seam_boundary_invoke_checked(uintptr_t entry, SeamContext ctx, const void *input, void *output, uint8_t *error) {
	return ((seam_boundary_entry)entry)(ctx, input, output, (SeamError *)error);
}
*/
import "C"

import (
	"context"
	"time"
	"unsafe"

	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/boundary/internal/abi"
	"github.com/seamtel/seam/sdk-go/internal/crossing"
)

// Status is the SeamStatus code an entry point returns.
type Status int32

// The SeamStatus values of seam.h.
const (
	StatusOK               Status = C.SEAM_STATUS_OK
	StatusError            Status = C.SEAM_STATUS_ERROR
	StatusPanic            Status = C.SEAM_STATUS_PANIC
	StatusDeadlineExceeded Status = C.SEAM_STATUS_DEADLINE_EXCEEDED
	StatusInvalidArgument  Status = C.SEAM_STATUS_INVALID_ARGUMENT
)

// seam.h's codes are the ones the other kinds of crossing record with (a
// negative or out-of-range constant index if they ever differ).
var (
	_ = [1]struct{}{}[StatusOK-Status(crossing.OK)]
	_ = [1]struct{}{}[StatusError-Status(crossing.Error)]
	_ = [1]struct{}{}[StatusPanic-Status(crossing.Panic)]
	_ = [1]struct{}{}[StatusDeadlineExceeded-Status(crossing.DeadlineExceeded)]
	_ = [1]struct{}{}[StatusInvalidArgument-Status(crossing.InvalidArgument)]
)

// marshal reads ctx's trace context, correlation ID, role and deadline into
// c, a zero SeamContext (so context_id stays 0, not bound). It writes in
// place: a SeamContext returned by value would be copied once more per call.
//
// The context's tracestate and correlation ID point into Go strings: C reads
// them only during a call (the SeamContext contract), Go's collector does not
// move heap objects, and the pointers keep the strings alive for as long as
// the SeamContext is (a Bound's), so they need no copy.
func marshal(ctx context.Context, c *C.SeamContext) {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		tid, sid := sc.TraceID(), sc.SpanID()
		c.trace_id = *(*[16]C.uint8_t)(unsafe.Pointer(&tid))
		c.span_id = *(*[8]C.uint8_t)(unsafe.Pointer(&sid))
		c.trace_flags = C.uint8_t(sc.TraceFlags())
		if ts := sc.TraceState(); ts.Len() > 0 {
			tracestate := ts.String()
			c.tracestate = (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(tracestate)))
			c.tracestate_len = C.size_t(len(tracestate))
		}
	}
	if correlationID := seam.CorrelationID(ctx); correlationID != "" {
		c.correlation_id = (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(correlationID)))
		c.correlation_id_len = C.size_t(len(correlationID))
	}
	if role, ok := seam.LookupRole(ctx); ok {
		// 0 is "unset" on the wire, so the callee keeps its own default.
		c.role = C.uint8_t(role + 1)
	}
	if deadline, ok := ctx.Deadline(); ok {
		c.deadline_unix_nano = C.int64_t(deadlineUnixNano(deadline))
	}
}

// invoke calls entry with c and returns the status and, unless it is OK, the
// Rust message. flat says that input and output point to values without
// pointers; a positive timeout brings the deadline sent to Rust forward to
// now+timeout.
func invoke(c *C.SeamContext, entry uintptr, flat bool, timeout time.Duration, input, output unsafe.Pointer) (Status, string) {
	if timeout > 0 {
		if own := C.int64_t(time.Now().Add(timeout).UnixNano()); c.deadline_unix_nano == 0 || own < c.deadline_unix_nano {
			// A copy: c may be a Bound's, shared by other calls.
			sooner := *c
			sooner.deadline_unix_nano = own
			c = &sooner
		}
	}
	var cerr C.SeamError
	slot := (*C.uint8_t)(unsafe.Pointer(&cerr))
	var status Status
	if flat {
		status = Status(C.seam_boundary_invoke(C.uintptr_t(entry), *c, (*C.uint8_t)(input), (*C.uint8_t)(output), slot))
	} else {
		status = Status(C.seam_boundary_invoke_checked(C.uintptr_t(entry), *c, input, output, slot))
	}
	if status == StatusOK {
		return status, ""
	}
	return status, takeMessage(&cerr)
}

// deadlineUnixNano encodes a deadline for SeamContext, where 0 means none: a
// deadline at or before the epoch is sent as -1, already passed.
func deadlineUnixNano(deadline time.Time) int64 {
	if ns := deadline.UnixNano(); ns > 0 {
		return ns
	}
	return -1
}

// takeMessage copies the message out of an error slot and frees it.
func takeMessage(cerr *C.SeamError) string {
	if cerr.message == nil {
		return ""
	}
	msg := C.GoStringN((*C.char)(unsafe.Pointer(cerr.message)), C.int(cerr.message_len))
	C.seam_free_error(cerr)
	return msg
}

// headerABIVersion is the C ABI version of the seam.h this package is built
// with.
const headerABIVersion = uint32(C.SEAM_ABI_VERSION)

// libraryABIVersion is the C ABI version of the linked Rust library.
func libraryABIVersion() uint32 { return uint32(C.seam_abi_version()) }

// Config is what Init passes to seam_init; the OTEL_* environment variables
// (read by the Rust side) configure the rest, as they do for Go.
type Config struct {
	ServiceName    string
	ServiceVersion string
	// Role is seam.role: "baseline", "candidate" or "shadow".
	Role string
}

// Init starts the Rust side's OTLP traces, metrics and logs pipeline. It fails
// if it is already running, or with ErrABIMismatch.
func Init(cfg Config) error {
	if err := abi.Check(libraryABIVersion(), headerABIVersion); err != nil {
		return err
	}
	// The strings are copied to C memory: seam_init takes a pointer to the
	// config, and memory behind a Go pointer passed to C may hold no Go pointers.
	var c C.SeamConfig
	for _, f := range []struct {
		ptr **C.uint8_t
		n   *C.size_t
		s   string
	}{
		{&c.service_name, &c.service_name_len, cfg.ServiceName},
		{&c.service_version, &c.service_version_len, cfg.ServiceVersion},
		{&c.role, &c.role_len, cfg.Role},
	} {
		if f.s == "" {
			continue
		}
		p := C.CBytes([]byte(f.s))
		defer C.free(p)
		*f.ptr, *f.n = (*C.uint8_t)(p), C.size_t(len(f.s))
	}
	var cerr C.SeamError
	if status := Status(C.seam_init(&c, &cerr)); status != StatusOK {
		return &Error{Operation: "seam_init", Status: status, Message: takeMessage(&cerr)}
	}
	return nil
}

// Shutdown flushes and stops the Rust side's pipeline, waiting at most
// timeout. It is safe to call more than once.
func Shutdown(timeout time.Duration) error {
	var cerr C.SeamError
	ms := max(timeout.Milliseconds(), 0)
	if status := Status(C.seam_shutdown(C.uint64_t(ms), &cerr)); status != StatusOK {
		return &Error{Operation: "seam_shutdown", Status: status, Message: takeMessage(&cerr)}
	}
	return nil
}
