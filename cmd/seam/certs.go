package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seamtel/seam/internal/certs"
)

type certsOptions struct {
	dir, hosts, client *string
	validFor           *time.Duration
}

func certsFlags(fs *flag.FlagSet) certsOptions {
	return certsOptions{
		dir:      fs.String("dir", ".", "an existing directory to write ca.pem, server.pem, client.pem and their keys into"),
		hosts:    fs.String("hosts", "localhost,127.0.0.1", "comma-separated DNS names and IP addresses the gateway's certificate is valid for"),
		client:   fs.String("client", "seam-client", "the client certificate's common name"),
		validFor: fs.Duration("valid-for", 365*24*time.Hour, "how long the certificates are valid"),
	}
}

// certsCommand issues a private CA with a server and a client certificate
// for the gateway's TLS and mTLS (collector/config/gateway.yaml).
func certsCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("certs", stderr)
	o := certsFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	var hosts []string
	for _, h := range strings.Split(*o.hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	if err := certs.Write(*o.dir, certs.Options{Hosts: hosts, ClientName: *o.client, ValidFor: *o.validFor}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s, %s, %s and their keys to %s\n", certs.CAFile, certs.ServerFile, certs.ClientFile, *o.dir)
	return nil
}
