package queue

import (
	"fmt"
	"net"
	"strconv"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// readyTimeout bounds how long Start waits for the server to accept clients.
const readyTimeout = 10 * time.Second

// Server is an embedded NATS server with JetStream, in this process.
type Server struct {
	srv *natsserver.Server
}

// StartServer starts a NATS server listening on listen (HOST:PORT, port 0
// for a free one) with JetStream storing its streams under storeDir, and
// returns once it accepts clients.
func StartServer(listen, storeDir string) (*Server, error) {
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("queue: listen address %q: want HOST:PORT", listen)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("queue: listen address %q: port %q is not 0-65535", listen, portText)
	}
	if storeDir == "" {
		return nil, fmt.Errorf("queue: no JetStream store directory")
	}
	srv, err := natsserver.NewServer(&natsserver.Options{
		Host: host, Port: port, JetStream: true, StoreDir: storeDir,
		NoSigs: true, NoLog: true, ServerName: "seam-pricing",
	})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(readyTimeout) {
		srv.Shutdown()
		return nil, fmt.Errorf("queue: NATS server on %s not ready within %s", listen, readyTimeout)
	}
	return &Server{srv: srv}, nil
}

// URL is the address clients connect to (nats://HOST:PORT).
func (s *Server) URL() string { return s.srv.ClientURL() }

// Shutdown stops the server and waits until it has.
func (s *Server) Shutdown() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
}
