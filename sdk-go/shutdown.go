package seam

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/seamtel/seam/sdk-go/internal/pipeline"
)

// Shutdown flushes every signal and stops the pipelines, within the
// export timeout in all or ctx's deadline if sooner. Telemetry still queued
// then is dropped, and the error says how much of each signal was lost.
// Later calls return the first call's result.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	t.shutdownOnce.Do(func() {
		if t.ops != nil {
			current.CompareAndSwap(t.ops, nil)
		}
		t.restoreLoggers()
		if t.exportTimeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, t.exportTimeout)
			defer cancel()
		}
		// Spans and logs flush side by side within the first two thirds,
		// so metrics, last, always have a third left to export, drops
		// counted meanwhile included.
		var before [pipeline.NumSignals]int64
		if t.drops != nil {
			before = t.drops.Snapshot()
		}
		var errs []error
		for _, e := range t.extensions {
			errs = append(errs, e.Shutdown(ctx))
		}
		errs = append(errs, t.shutdownSpansAndLogs(ctx)...)
		if t.meterProvider != nil {
			errs = append(errs, t.meterProvider.Shutdown(ctx))
		}
		t.shutdownErr = shutdownError(errors.Join(errs...), before, t.drops)
	})
	return t.shutdownErr
}

// shutdownSpansAndLogs stops the span and log pipelines concurrently,
// within two thirds of the time ctx has left.
func (t *Telemetry) shutdownSpansAndLogs(ctx context.Context) []error {
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(deadline)*2/3)
		defer cancel()
	}
	var (
		wg       sync.WaitGroup
		traceErr error
		logErrs  []error
	)
	if t.traceProvider != nil {
		wg.Go(func() { traceErr = t.traceProvider.Shutdown(ctx) })
	}
	if t.bridgeProvider != nil {
		logErrs = append(logErrs, t.bridgeProvider.Shutdown(ctx))
	}
	if t.encodedLogs != nil {
		logErrs = append(logErrs, t.encodedLogs.Shutdown(ctx))
	}
	if t.logProvider != nil {
		logErrs = append(logErrs, t.logProvider.Shutdown(ctx))
	}
	wg.Wait()
	return append(logErrs, traceErr)
}

// shutdownError says plainly what a shutdown lost: the spans, log records
// and metric points dropped while it ran, and why.
func shutdownError(err error, before [pipeline.NumSignals]int64, drops *pipeline.DropCounter) error {
	var lost [pipeline.NumSignals]int64
	if drops != nil {
		after := drops.Snapshot()
		for s := range lost {
			lost[s] = after[s] - before[s]
		}
	}
	if lost == [pipeline.NumSignals]int64{} {
		if err == nil {
			return nil
		}
		return fmt.Errorf("seam: shutdown: %w", err)
	}
	return &shutdownLoss{lost: lost, err: err}
}

// shutdownLoss is a shutdown that could not deliver everything.
type shutdownLoss struct {
	lost [pipeline.NumSignals]int64
	err  error
}

func (e *shutdownLoss) Error() string {
	msg := fmt.Sprintf("seam: shutdown: telemetry not delivered: lost %d spans, %d log records, %d metric points",
		e.lost[pipeline.Traces], e.lost[pipeline.Logs], e.lost[pipeline.Metrics])
	if e.err != nil {
		// The first cause is enough to act on; the joined rest repeats it.
		cause, _, _ := strings.Cut(e.err.Error(), "\n")
		msg += " (" + cause + ")"
	}
	return msg
}

func (e *shutdownLoss) Unwrap() error { return e.err }
