// Package boundary calls Rust (or any C ABI) code in-process through cgo with
// one trace across the call: the Go side of Seam's FFI boundary. The Rust side
// writes each entry point with seam::ffi::call, which opens a child span of the
// caller's, or seam::ffi::call_in_parent, which runs the body in the caller's
// span (crate seam, feature ffi); their C declarations are in seam.h, a copy
// of sdk-rust/include/seam.h kept identical by a test there.
//
// An entry point has the C type
//
//	SeamStatus entry(SeamContext ctx, const In *input, Out *output, SeamError *error);
//
// and a Func calls it:
//
//	b, err := boundary.New(boundary.Options{})
//	quote, err := boundary.NewFunc[C.QuoteIn, C.QuoteOut](b, "pricing.quote",
//		unsafe.Pointer(C.pricing_quote), boundary.FuncOptions[C.QuoteIn, C.QuoteOut]{
//			Fallback: quoteInGo, // optional
//		})
//	err = quote.Call(ctx, &in, &out)
//
// Call marshals ctx into the SeamContext passed by value (the span's trace
// context, ctx.Deadline(), the correlation ID from baggage), records
// seam.boundary.call.duration with seam.boundary.kind=ffi, and turns the
// status into an error that wraps ErrPanic, ErrDeadlineExceeded, ErrFailed or
// ErrInvalidArgument together with the Rust message. A Rust panic never
// crosses the boundary: it becomes ErrPanic and the process lives on. In and
// Out types without pointers (plain C structs of numbers and arrays) are
// passed without cgo's per-call pointer check, which would cost about as much
// as the call.
//
// A request that calls into Rust several times under one span can bind its
// ctx once and hand the marshalled context to each call:
//
//	b := boundary.Bind(ctx)
//	for i := range items {
//		err := quote.CallBound(b, &items[i], &quotes[i])
//		...
//	}
//
// CallBound does not marshal ctx again (the duration metric and the fallback
// still take it as it was bound), and the Rust side recognises the context it
// already holds by the Bound's ID alone. A Bound is only valid while its
// span is (see Bound).
//
// FuncOptions.Timeout caps each call and FuncOptions.Fallback serves the
// calls that fail, counted in seam.boundary.fallbacks. A Rust service called
// over HTTP gets the same metrics, attribute sets and rules from
// seamhttp.Crossing (no cgo); both record through sdk-go/internal/crossing.
//
// Init and Shutdown start and stop the Rust side's telemetry pipeline. Call
// Shutdown before the process exits: os.Exit runs no Rust destructors, so
// nothing else flushes what Rust has buffered.
//
// # One umbrella staticlib per binary
//
// Every Rust staticlib carries its own copy of Rust's std and of each crate it
// depends on, under the same symbol names. Two Rust staticlibs in one Go
// binary collide at link time (duplicate symbols), or, when the linker picks
// one copy, share its globals with code compiled against the other. Link
// exactly one: an umbrella crate (crate-type = ["staticlib"]) that depends on
// every Rust library the program calls and on seam with feature ffi, which
// also provides the seam_init, seam_shutdown and seam_free_error symbols this
// package needs. The package that names that library in its #cgo LDFLAGS is
// the only one that may.
package boundary
