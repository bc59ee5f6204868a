// pause is the pod sandbox's process, as Kubernetes' own pause: it holds the pod's namespaces and does nothing
// until it is told to stop. Static and tiny; scripts/build-node-images.sh builds it into the pause image.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range sigs {
		if sig != syscall.SIGCHLD {
			return
		}
		// as PID 1 of the sandbox it inherits orphans: reap them so no zombie stays
		for {
			var ws syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}
