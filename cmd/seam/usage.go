package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// commands lists every command with the function that defines its flags,
// the same one the command parses with, so the usage text cannot go stale.
var commands = []struct {
	name, args, summary string
	flags               func(*flag.FlagSet)
}{
	{"schema check", "[DIR]", "validate the registry in DIR (default: schema)", func(*flag.FlagSet) {}},
	{"schema generate", "", "write (or with --check, verify) the generated files", func(fs *flag.FlagSet) { schemaGenerateFlags(fs) }},
	{"schema diff", "OLD NEW", "compare two registries; exit 1 on a breaking change", func(fs *flag.FlagSet) { schemaDiffFlags(fs) }},
	{"demo", "", "build and run the pricing migration demo with load", func(fs *flag.FlagSet) { demoFlags(fs) }},
	{"conformance", "", "run Go and Rust emitters through the collector and prove their telemetry is one shape; exit 1 on any finding",
		func(fs *flag.FlagSet) { conformanceFlags(fs) }},
	{"judge", "", "a verdict per operation, Rust candidate against Go baseline: exit 0 all pass, 1 a fail, 2 bad input, 3 inconclusive or no data",
		func(fs *flag.FlagSet) { judgeFlags(fs) }},
	{"load", "", "send the demo's traffic to a pricing orchestrator until stopped", func(fs *flag.FlagSet) { loadFlags(fs) }},
	{"alerts", "", "receive Alertmanager's webhook and print one line per alert", func(fs *flag.FlagSet) { alertsFlags(fs) }},
	{"certs", "", "issue a CA, a server and a client certificate for the gateway's TLS and mTLS", func(fs *flag.FlagSet) { certsFlags(fs) }},
	{"overhead", "", "the pricing orchestrator under fixed load without Seam, with the collector up and down: p50, p99 and CPU per request as ratios",
		func(fs *flag.FlagSet) { overheadFlags(fs) }},
}

// usage is the help text, built from the commands' flag sets.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: seam <command> [flags] [arguments]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %s\n      %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.flags(fs)
		fs.VisitAll(func(f *flag.Flag) {
			kind, help := flag.UnquoteUsage(f)
			name := "--" + f.Name
			if kind != "" {
				name += " " + kind
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
				help += " (default " + f.DefValue + ")"
			}
			fmt.Fprintf(&b, "        %-22s %s\n", name, help)
		})
	}
	return b.String()
}
