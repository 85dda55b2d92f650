// Package certs issues the certificates a Seam gateway serves TLS and
// mTLS with: a private CA, a server certificate for the gateway's names
// and addresses, and a client certificate for its agents and services.
package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The files Write creates in its directory.
const (
	CAFile          = "ca.pem"
	CAKeyFile       = "ca-key.pem"
	ServerFile      = "server.pem"
	ServerKeyFile   = "server-key.pem"
	ClientFile      = "client.pem"
	ClientKeyFile   = "client-key.pem"
	defaultValidFor = 365 * 24 * time.Hour
)

// Options says what to issue.
type Options struct {
	// Hosts are the DNS names and IP addresses the server certificate is
	// valid for.
	Hosts []string
	// ClientName is the client certificate's common name.
	ClientName string
	// ValidFor is how long every certificate is valid (default one year).
	ValidFor time.Duration
}

// Write issues a CA, a server and a client certificate into dir, which must
// exist, and refuses to overwrite a CA already there.
func Write(dir string, opts Options) error {
	if len(opts.Hosts) == 0 {
		return errors.New("certs: no hosts: the server certificate needs at least one DNS name or IP address")
	}
	if opts.ClientName == "" {
		opts.ClientName = "seam-client"
	}
	if opts.ValidFor <= 0 {
		opts.ValidFor = defaultValidFor
	}
	if _, err := os.Stat(filepath.Join(dir, CAFile)); err == nil {
		return fmt.Errorf("certs: %s already exists: refusing to replace a CA that clients may trust", filepath.Join(dir, CAFile))
	}
	now := time.Now()
	caKey, caCert, caDER, err := issue(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "Seam gateway CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, nil, nil, now, opts.ValidFor)
	if err != nil {
		return err
	}
	server := &x509.Certificate{
		Subject:     pkix.Name{CommonName: opts.Hosts[0]},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range opts.Hosts {
		if ip := net.ParseIP(h); ip != nil {
			server.IPAddresses = append(server.IPAddresses, ip)
		} else {
			server.DNSNames = append(server.DNSNames, h)
		}
	}
	serverKey, _, serverDER, err := issue(server, caCert, caKey, now, opts.ValidFor)
	if err != nil {
		return err
	}
	clientKey, _, clientDER, err := issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: opts.ClientName},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, caCert, caKey, now, opts.ValidFor)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		key  *ecdsa.PrivateKey
		der  []byte
	}{{CAFile, nil, caDER}, {CAKeyFile, caKey, nil}, {ServerFile, nil, serverDER}, {ServerKeyFile, serverKey, nil}, {ClientFile, nil, clientDER}, {ClientKeyFile, clientKey, nil}} {
		if err := writePEM(filepath.Join(dir, f.name), f.key, f.der); err != nil {
			return err
		}
	}
	return nil
}

// issue makes a P-256 key and a certificate from tmpl, signed by parent
// (self-signed when parent is nil).
func issue(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, now time.Time, validFor time.Duration) (*ecdsa.PrivateKey, *x509.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("certs: generating a key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("certs: generating a serial number: %w", err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = now.Add(-time.Minute) // tolerate a clock a little behind
	tmpl.NotAfter = now.Add(validFor)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("certs: signing %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("certs: reading back %q: %w", tmpl.Subject.CommonName, err)
	}
	return key, cert, der, nil
}

// writePEM writes a certificate (der) or a private key (mode 0600).
func writePEM(path string, key *ecdsa.PrivateKey, der []byte) error {
	block, mode := &pem.Block{Type: "CERTIFICATE", Bytes: der}, os.FileMode(0o644)
	if key != nil {
		b, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return fmt.Errorf("certs: encoding %s: %w", path, err)
		}
		block, mode = &pem.Block{Type: "PRIVATE KEY", Bytes: b}, 0o600
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), mode); err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	return nil
}
