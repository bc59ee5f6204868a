//go:build tools

// Package tools pins telemetrygen (opentelemetry-collector-contrib/cmd/telemetrygen) for
// scripts/build-node-images.sh, which builds it with `go build github.com/.../cmd/telemetrygen`.
package tools

import _ "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen"
