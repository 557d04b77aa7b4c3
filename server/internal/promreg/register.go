package promreg

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers c on reg (nil: not registered) and returns the
// collector to use: c, or the one of the same description already
// registered there.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if e, ok := are.ExistingCollector.(C); ok {
				return e
			}
		}
	}
	return c
}
