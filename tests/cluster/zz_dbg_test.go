package cluster

import (
	"testing"
	"time"
)

func TestZZWatchAfterRestart(t *testing.T) {
	c := newCluster(t, 3)
	ctx := ctxT(t, 60*time.Second)
	m := c.Members[0]
	m.Stop()
	if err := m.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	wcli := newClient(t, m.ClientURL)
	pcli := newClient(t, c.Members[1].ClientURL)
	wch := wcli.Watch(ctx, "k")
	for i := 0; i < 3; i++ {
		if _, err := pcli.Put(ctx, "k", "v"); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case r := <-wch:
		t.Logf("got %d events", len(r.Events))
	case <-time.After(5 * time.Second):
		g, err := wcli.Get(ctx, "k")
		t.Fatalf("no events; get via restarted member: %v %v\n%s", g, err, m.Log())
	}
}
