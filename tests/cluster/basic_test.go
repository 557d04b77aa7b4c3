package cluster

import (
	"fmt"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestWritesAndLinearizableReadsThroughEveryMember: a write through any
// member is visible to a linearizable read through any other at once.
func TestWritesAndLinearizableReadsThroughEveryMember(t *testing.T) {
	c := newCluster(t, 3)
	var clis []*clientv3.Client
	for _, m := range c.Members {
		clis = append(clis, newClient(t, m.ClientURL))
	}
	ctx := ctxT(t, 60*time.Second)
	for i := 0; i < 30; i++ {
		w := clis[i%3]
		key, val := fmt.Sprintf("k%d", i%5), fmt.Sprintf("v%d", i)
		presp, err := w.Put(ctx, key, val)
		if err != nil {
			t.Fatalf("put through %s: %v", c.Members[i%3].Name, err)
		}
		for j, r := range clis {
			resp, err := r.Get(ctx, key)
			if err != nil {
				t.Fatalf("get through %s: %v", c.Members[j].Name, err)
			}
			if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != val || resp.Header.Revision < presp.Header.Revision {
				t.Fatalf("get %s through %s after put through %s: %v at rev %d, want %s at >= %d",
					key, c.Members[j].Name, c.Members[i%3].Name, resp.Kvs, resp.Header.Revision, val, presp.Header.Revision)
			}
		}
	}
	// Every member reports the same leader and the cluster's members.
	lead := leaderIndex(t, c)
	for _, cli := range clis {
		ml, err := cli.MemberList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ml.Members) != 3 {
			t.Fatalf("MemberList: %d members", len(ml.Members))
		}
		for _, m := range ml.Members {
			if m.Name == "" || len(m.ClientURLs) != 1 || len(m.PeerURLs) != 1 {
				t.Fatalf("member not published: %+v", m)
			}
		}
	}
	t.Logf("leader: %s", c.Members[lead].Name)
}
