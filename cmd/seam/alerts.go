package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

func alertsFlags(fs *flag.FlagSet) *string {
	return fs.String("listen", "127.0.0.1:9095", "address to receive Alertmanager's webhook on")
}

// alertsPayload is the part of Alertmanager's webhook body printed.
type alertsPayload struct {
	Status string `json:"status"`
	Alerts []struct {
		Status      string            `json:"status"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"alerts"`
}

// alertsCommand receives Alertmanager's webhook and prints one line per
// alert delivered: docker-compose.yml's alert receiver.
func alertsCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("alerts", stderr)
	listen := alertsFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("alerts: --listen %s: %w", *listen, err)
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: alertsHandler(stdout)}
	fmt.Fprintf(stderr, "listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// alertsHandler prints each alert of each webhook delivery on w.
func alertsHandler(w io.Writer) http.Handler {
	var mu sync.Mutex // one delivery's lines together
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var p alertsPayload
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&p); err != nil || r.Method != http.MethodPost {
			http.Error(rw, "want an Alertmanager webhook POST", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, a := range p.Alerts {
			fmt.Fprintf(w, "%s %s %s: %s\n", time.Now().UTC().Format(time.RFC3339), a.Status, labelsText(a.Labels), a.Annotations["summary"])
		}
	})
}

// labelsText is alertname first, then the other labels sorted.
func labelsText(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		if k != "alertname" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := []string{labels["alertname"]}
	for _, k := range keys {
		parts = append(parts, k+"="+labels[k])
	}
	return strings.Join(parts, " ")
}
