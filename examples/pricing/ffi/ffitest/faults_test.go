//go:build seamffi

package ffitest

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/ffi"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/sdk-go/boundary"
	"github.com/seamtel/seam/sdk-go/semconv"
)

var basket = pricing.Basket{Region: "eu", Items: []pricing.Item{{SKU: "A1", Qty: 2, UnitCents: 1299}}}

// withFaults installs f on the Rust side for the test, then removes it;
// faults are process-wide, so these tests do not run in parallel.
func withFaults(t *testing.T, lib *ffi.Lib, f faults.Faults) {
	t.Helper()
	got, err := lib.SetFaults(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if got != f {
		t.Fatalf("Rust installed %+v, want %+v", got, f)
	}
	t.Cleanup(func() {
		if _, err := lib.SetFaults(context.Background(), faults.None); err != nil {
			t.Error(err)
		}
	})
}

// measured is a Lib whose Go fallbacks count their calls, recording into
// its own meter provider.
type measured struct {
	lib       *ffi.Lib
	reader    *sdkmetric.ManualReader
	fallbacks int
}

func newMeasured(t *testing.T, timeout time.Duration) *measured {
	t.Helper()
	m := &measured{reader: sdkmetric.NewManualReader()}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(m.reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	lib, err := ffi.Open(ffi.Options{
		Timeout:       timeout,
		MeterProvider: mp,
		Fallbacks: ffi.Fallbacks{
			Quote: func(_ context.Context, b *pricing.Basket) (pricing.Quote, error) {
				m.fallbacks++
				return pricing.PriceQuote(b)
			},
			Fingerprint: func(_ context.Context, b *pricing.Basket) (string, error) {
				m.fallbacks++
				return pricing.Fingerprint(b)
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	m.lib = lib
	return m
}

// count sums the int64 counter name over the points whose attributes
// include every one of want.
func (m *measured) count(t *testing.T, name string, want ...attribute.KeyValue) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := m.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, met := range sm.Metrics {
			if met.Name != name {
				continue
			}
			switch data := met.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range data.DataPoints {
					if hasAll(p.Attributes, want) {
						n += p.Value
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range data.DataPoints {
					if hasAll(p.Attributes, want) {
						n += int64(p.Count)
					}
				}
			}
		}
	}
	return n
}

func hasAll(set attribute.Set, want []attribute.KeyValue) bool {
	for _, kv := range want {
		if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}

func TestPanicFallsBackToGo(t *testing.T) {
	m := newMeasured(t, 0)
	withFaults(t, m.lib, faults.Faults{Panic: 1, SlowMS: faults.DefaultSlowMS})
	want, _ := pricing.PriceQuote(&basket)
	q, served, err := m.lib.Quote(context.Background(), &basket)
	if err != nil || served != ffi.ServedByFallback || q != want {
		t.Fatalf("Quote = %+v, %v, %v; want %+v served by the fallback", q, served, err, want)
	}
	fp, served, err := m.lib.Fingerprint(context.Background(), &basket)
	if wantFP, _ := pricing.Fingerprint(&basket); err != nil || served != ffi.ServedByFallback || fp != wantFP {
		t.Fatalf("Fingerprint = %s, %v, %v; want %s served by the fallback", fp, served, err, wantFP)
	}
	if m.fallbacks != 2 {
		t.Errorf("%d fallback calls, want 2", m.fallbacks)
	}
	panicked := []attribute.KeyValue{semconv.SeamOperation("pricing.quote"), semconv.SeamBoundaryKindFFI, semconv.ErrorTypeKey.String("panic")}
	if n := m.count(t, semconv.SeamBoundaryFallbacksName, panicked...); n != 1 {
		t.Errorf("seam.boundary.fallbacks{pricing.quote, panic} = %d, want 1", n)
	}
	if n := m.count(t, semconv.SeamBoundaryCallDurationName, panicked...); n != 1 {
		t.Errorf("seam.boundary.call.duration{pricing.quote, panic} count = %d, want 1", n)
	}
}

func TestPanicWithoutFallbackIsAnError(t *testing.T) {
	lib := rustOnly(t)
	withFaults(t, lib, faults.Faults{Panic: 1, SlowMS: faults.DefaultSlowMS})
	_, _, err := lib.Quote(context.Background(), &basket)
	if !errors.Is(err, boundary.ErrPanic) {
		t.Fatalf("error %v, want boundary.ErrPanic", err)
	}
	// The process lives on and the next call, with the fault off, succeeds.
	if _, err := lib.SetFaults(context.Background(), faults.None); err != nil {
		t.Fatal(err)
	}
	if _, served, err := lib.Quote(context.Background(), &basket); err != nil || served != ffi.ServedByRust {
		t.Fatalf("after the panic: %v, %v", served, err)
	}
}

func TestSlowPastTheCallTimeoutFallsBack(t *testing.T) {
	m := newMeasured(t, 20*time.Millisecond)
	withFaults(t, m.lib, faults.Faults{Slow: 1, SlowMS: 2000})
	started := time.Now()
	fp, served, err := m.lib.Fingerprint(context.Background(), &basket)
	if wantFP, _ := pricing.Fingerprint(&basket); err != nil || served != ffi.ServedByFallback || fp != wantFP {
		t.Fatalf("Fingerprint = %s, %v, %v; want %s served by the fallback", fp, served, err, wantFP)
	}
	// The slow path stops at the deadline instead of sleeping its 2 s out.
	if elapsed := time.Since(started); elapsed >= 2*time.Second {
		t.Errorf("the call took %v: the Rust side ignored the deadline", elapsed)
	}
	late := []attribute.KeyValue{semconv.SeamOperation("pricing.fingerprint"), semconv.SeamBoundaryKindFFI, semconv.ErrorTypeKey.String("timeout")}
	if n := m.count(t, semconv.SeamBoundaryFallbacksName, late...); n != 1 {
		t.Errorf("seam.boundary.fallbacks{pricing.fingerprint, timeout} = %d, want 1", n)
	}
	if n := m.count(t, semconv.SeamBoundaryCallDurationName, late...); n != 1 {
		t.Errorf("seam.boundary.call.duration{pricing.fingerprint, timeout} count = %d, want 1", n)
	}
}

func TestSlowWithinTheTimeoutIsServedByRust(t *testing.T) {
	m := newMeasured(t, 10*time.Second)
	withFaults(t, m.lib, faults.Faults{Slow: 1, SlowMS: 20})
	started := time.Now()
	if _, served, err := m.lib.Quote(context.Background(), &basket); err != nil || served != ffi.ServedByRust {
		t.Fatalf("Quote: %v, %v", served, err)
	}
	if elapsed := time.Since(started); elapsed < 20*time.Millisecond {
		t.Errorf("the call took %v: the slow path did not run", elapsed)
	}
	if m.fallbacks != 0 {
		t.Errorf("%d fallbacks, want 0", m.fallbacks)
	}
}

func TestExpiredCallerGetsNoFallback(t *testing.T) {
	m := newMeasured(t, 0)
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	_, _, err := m.lib.Quote(ctx, &basket)
	if !errors.Is(err, context.DeadlineExceeded) || m.fallbacks != 0 {
		t.Fatalf("error %v after %d fallbacks, want a deadline error and none", err, m.fallbacks)
	}
}

func TestRustValidatesFaults(t *testing.T) {
	lib := rustOnly(t)
	_, err := lib.SetFaults(context.Background(), faults.Faults{Panic: 2})
	var be *boundary.Error
	if !errors.As(err, &be) || be.Message != "pricing.set_faults: fault panic=2: want a probability from 0 to 1" {
		t.Fatalf("error %v, want the Rust side's refusal", err)
	}
}
