package etcdserver

import "sync"

// group tracks the goroutines a component starts so that Close can wait.
type group struct{ wg sync.WaitGroup }

func (g *group) Go(fn func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		fn()
	}()
}

func (g *group) Wait() { g.wg.Wait() }
