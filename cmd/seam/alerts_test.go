package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A webhook delivery prints one line per alert: status, alertname first,
// the other labels sorted, the summary; anything else is refused.
func TestAlertsPrintsEachDelivery(t *testing.T) {
	var out bytes.Buffer
	h := alertsHandler(&out)
	body := `{"status":"firing","alerts":[{"status":"firing","labels":{"severity":"page","alertname":"SeamBoundaryPanic","seam_operation":"pricing.quote"},"annotations":{"summary":"Rust pricing.quote panicked"}}]}`
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/alerts", strings.NewReader(body)))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if want := " firing SeamBoundaryPanic seam_operation=pricing.quote severity=page: Rust pricing.quote panicked\n"; !strings.HasSuffix(out.String(), want) {
		t.Errorf("printed %q, want a line ending %q", out.String(), want)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/alerts", strings.NewReader("not json")))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("a body that is not a webhook: %d, want 400", rec.Code)
	}
}
