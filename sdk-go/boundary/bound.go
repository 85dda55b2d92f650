package boundary

/*
#include "seam.h"
*/
import "C"

import (
	"context"
	"sync/atomic"
)

// Bound is a context marshalled once for the calls across the boundary made
// under it: its span's trace context, the correlation ID, the role and the
// deadline, as Call reads them from a ctx on every call, plus an ID unique in
// the process that lets the Rust side recognise the context it already holds
// without comparing it. Pass it to Func.CallBound in place of a ctx.
//
// Bind once per span when a request calls into Rust several times from it,
// and use the Bound only while that span is current: it does not see later
// changes to ctx (a new span, correlation ID or role; bind again for those),
// and one that outlives its span parents Rust's work to a span that has
// ended. The deadline is honoured as Call honours it. A Bound is a small
// value, safe to copy and to use from several goroutines at once. The zero
// Bound is context.Background(), not bound.
type Bound struct {
	// bound is on the heap, written once: a call copies the context from
	// there, which costs less than copying it through the caller's frames.
	bound *bound
}

type bound struct {
	ctx context.Context
	c   C.SeamContext
}

// notBound is the zero Bound's context: no span, no deadline, context_id 0.
var notBound = &bound{ctx: context.Background()}

// lastContextID is the context_id of the latest Bound; 0 is "not bound".
var lastContextID atomic.Uint64

// Bind marshals ctx for Func.CallBound.
func Bind(ctx context.Context) Bound {
	b := &bound{ctx: ctx}
	marshal(ctx, &b.c)
	b.c.context_id = C.uint64_t(lastContextID.Add(1))
	return Bound{bound: b}
}

// Context is the ctx b was bound from (context.Background() for the zero
// Bound), for what the caller does around its calls, such as CountFallback.
func (b Bound) Context() context.Context { return b.get().ctx }

func (b Bound) get() *bound {
	if b.bound == nil {
		return notBound
	}
	return b.bound
}
