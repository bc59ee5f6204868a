// registry is distribution's registry (the CNCF distribution project, v3), built from the Go module proxy: the
// local OCI registry that the real node's containerd uses as a mirror. Importing the command's package is the
// whole program; only the filesystem and in-memory storage drivers are linked (cmd/registry also links the cloud ones).
package main

import (
	"os"

	_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"

	"github.com/distribution/distribution/v3/registry"
)

func main() {
	// v3 always sets up OpenTelemetry tracing with the SDK's autoexport, whose default is OTLP to localhost:4318:
	// on a test machine that is where the collector under test listens. No export unless asked for.
	if os.Getenv("OTEL_TRACES_EXPORTER") == "" {
		_ = os.Setenv("OTEL_TRACES_EXPORTER", "none")
	}
	// the `registry serve|garbage-collect` command of cmd/registry
	if err := registry.RootCmd.Execute(); err != nil {
		os.Exit(1) // cobra has printed the error
	}
}
