package seam

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	colllogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"
)

// TestOwnRecordsTakeTheEncodedPath: over plain OTLP/HTTP Seam's logger
// sends its records without the log SDK, and they arrive; with a TLS
// certificate configured (which only the SDK's exporter reads) they go
// through the SDK.
func TestOwnRecordsTakeTheEncodedPath(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		encoded bool
	}{
		{name: "plain", encoded: true},
		{name: "certificate", env: map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var mu sync.Mutex
			var got []*colllogspb.ExportLogsServiceRequest
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if r.URL.Path != "/v1/logs" {
					return
				}
				req := &colllogspb.ExportLogsServiceRequest{}
				if err := proto.Unmarshal(body, req); err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				mu.Lock()
				got = append(got, req)
				mu.Unlock()
			}))
			t.Cleanup(srv.Close)
			tel := startForTest(t, Config{ServiceName: "encoded", Endpoint: srv.URL, Protocol: ProtocolHTTP, LogWriter: io.Discard})
			if got := tel.encodedLogs != nil; got != tc.encoded {
				t.Fatalf("encoded path %v, want %v", got, tc.encoded)
			}
			if got := tel.bridgeProvider == nil; got != tc.encoded {
				t.Fatalf("SDK bridge provider unused %v, want %v", got, tc.encoded)
			}
			if tc.encoded {
				tel.Logger().InfoContext(context.Background(), "quote computed", "n", 1)
				if err := tel.ForceFlush(context.Background()); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(got) != 1 || len(got[0].ResourceLogs) != 1 {
					t.Fatalf("received %v", got)
				}
				rl := got[0].ResourceLogs[0]
				recs := rl.ScopeLogs[0].LogRecords
				if len(recs) != 1 || recs[0].GetBody().GetStringValue() != "quote computed" || rl.ScopeLogs[0].Scope.GetName() != ownScope.Name {
					t.Fatalf("received %v", rl)
				}
			}
		})
	}
}
