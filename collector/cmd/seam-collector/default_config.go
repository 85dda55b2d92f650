package main

import (
	"os"
	"strings"

	seamconfig "github.com/seamtel/seam/collector/config"
)

// Started without a configuration, seam-collector runs the embedded default
// (collector/config/default.yaml) instead of failing. The generated main
// takes its configuration only from flags, so the flag is added here,
// before the command line is parsed; --config replaces it as usual.
func init() { os.Args = withDefaultConfig(os.Args) }

// Subcommands that take no configuration.
var noConfigCommands = map[string]bool{
	"components": true, "featuregate": true, "completion": true, "help": true,
	"-h": true, "--help": true, "-v": true, "--version": true,
}

func withDefaultConfig(args []string) []string {
	for _, a := range args[1:] {
		if noConfigCommands[a] {
			return args
		}
		for _, flag := range []string{"--config", "-config"} {
			if a == flag || strings.HasPrefix(a, flag+"=") {
				return args
			}
		}
	}
	return append(args, "--config="+seamconfig.DefaultURI)
}
