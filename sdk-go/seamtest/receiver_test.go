package seamtest_test

import (
	"context"
	"testing"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamtest"
)

// What a service sends through Seam arrives at the receiver, each item
// with its resource.
func TestReceiverKeepsWhatSeamExports(t *testing.T) {
	tel, r := seamtest.StartReceiving(t, seam.Config{ServiceName: "pricing"})
	_ = seam.Measure(context.Background(), "checkout.price", func(ctx context.Context) error {
		tel.Logger().InfoContext(ctx, "priced")
		return nil
	})
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := r.Spans()
	if len(spans) != 1 || spans[0].Name != "checkout.price" || spans[0].Resource["service.name"] != "pricing" {
		t.Errorf("spans %v", spans)
	}
	if m := r.Metrics("seam.operation.duration"); len(m) == 0 || m[0].Resource["seam.impl"] != "go" {
		t.Errorf("seam.operation.duration: %v", m)
	}
	logs := r.LogRecords()
	if len(logs) != 1 || logs[0].Body.GetStringValue() != "priced" {
		t.Errorf("log records %v", logs)
	}
	r.Discard(true)
	seam.StartOperation(context.Background(), "checkout.price")(nil)
	_ = tel.ForceFlush(context.Background())
	if n := len(r.Spans()); n != 1 {
		t.Errorf("%d spans kept while discarding", n)
	}
}
