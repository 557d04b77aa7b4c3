// Command etcdtool is the etcd 3.7.3 side of the compatibility tests: it
// writes a history with etcd's own storage packages, or dumps a data file as
// etcd reads it. It runs as a separate process because etcd's protobuf types
// and ours share full names and cannot live in one binary.
//
//	etcdtool write HISTORY DB   write HISTORY into a new DB
//	etcdtool schedule DB REV    mark a compaction to REV scheduled, not done
//	etcdtool dump DB            print the history.Dump of DB as JSON
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"

	"go.etcd.io/etcd/pkg/v3/traceutil"
	"go.etcd.io/etcd/server/v3/lease"
	"go.etcd.io/etcd/server/v3/storage/backend"
	"go.etcd.io/etcd/server/v3/storage/mvcc"
	"go.etcd.io/etcd/server/v3/storage/schema"

	"github.com/etcdgo/etcd/tests/v3/mvcc/internal/history"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "etcdtool:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "write":
		return write(args[1], args[2])
	case len(args) == 3 && args[0] == "schedule":
		return schedule(args[1], args[2])
	case len(args) == 2 && args[0] == "dump":
		d, err := dump(args[1])
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(d)
	}
	return fmt.Errorf("usage: etcdtool write HISTORY DB | schedule DB REV | dump DB")
}

// schedule records a compaction as scheduled but not done, as etcd leaves
// the file when it crashes right after scheduling one.
func schedule(dbPath, revStr string) error {
	var rev int64
	if _, err := fmt.Sscan(revStr, &rev); err != nil {
		return err
	}
	bcfg := backend.DefaultBackendConfig(zap.NewNop())
	bcfg.Path = dbPath
	b := backend.New(bcfg)
	mvcc.SetScheduledCompact(b.BatchTx(), rev)
	b.ForceCommit()
	return b.Close()
}

func open(path string) (backend.Backend, *mvcc.KeyValueHash, mvcc.KV) {
	bcfg := backend.DefaultBackendConfig(zap.NewNop())
	bcfg.Path = path
	bcfg.BatchInterval = time.Hour
	b := backend.New(bcfg)
	s := mvcc.NewStore(zap.NewNop(), b, &lease.FakeLessor{}, mvcc.StoreConfig{CompactionSleepInterval: time.Microsecond})
	return b, nil, s
}

func write(histPath, dbPath string) error {
	f, err := os.Open(histPath)
	if err != nil {
		return err
	}
	steps, err := history.Parse(f)
	f.Close()
	if err != nil {
		return err
	}
	b, _, s := open(dbPath)
	for _, st := range steps {
		if st.Compact > 0 {
			ch, err := s.Compact(traceutil.TODO(), st.Compact)
			if err != nil {
				return err
			}
			<-ch
			continue
		}
		tw := s.Write(traceutil.TODO())
		for _, op := range st.Ops {
			if op.Del {
				var end []byte
				if op.End != "" {
					end = []byte(op.End)
				}
				tw.DeleteRange([]byte(op.Key), end)
			} else {
				tw.Put([]byte(op.Key), []byte(op.Value), lease.LeaseID(op.Lease))
			}
		}
		tw.End()
	}
	// The server writes the consistent index through the same batch.
	tx := b.BatchTx()
	tx.LockOutsideApply()
	schema.UnsafeUpdateConsistentIndex(tx, 42, 3)
	tx.Unlock()
	s.Commit()
	if err := s.Close(); err != nil {
		return err
	}
	return b.Close()
}

type hasher interface {
	HashStorage() mvcc.HashStorage
}

func dump(dbPath string) (*history.Dump, error) {
	b, _, s := open(dbPath)
	defer b.Close()
	defer s.Close()
	d := &history.Dump{Meta: map[string]string{}}
	// Wait for a compaction resumed by the store's restore: compacting again
	// at the scheduled revision queues behind it and reports ErrCompacted.
	rtx := b.ReadTx()
	rtx.RLock()
	sched, found := mvcc.UnsafeReadScheduledCompact(rtx)
	rtx.RUnlock()
	if found {
		if ch, _ := s.Compact(traceutil.TODO(), sched); ch != nil {
			<-ch
		}
	}
	r, err := s.Range(context.Background(), []byte("\x00"), nil, mvcc.RangeOptions{})
	if err != nil {
		return nil, err
	}
	d.Rev = r.Rev
	tx := b.ReadTx()
	tx.RLock()
	for _, k := range [][]byte{schema.ScheduledCompactKeyName, schema.FinishedCompactKeyName, schema.MetaConsistentIndexKeyName, schema.MetaTermKeyName} {
		_, vs := tx.UnsafeRange(schema.Meta, k, nil, 0)
		if len(vs) == 1 {
			d.Meta[string(k)] = hex.EncodeToString(vs[0])
		}
	}
	if fin, ok := mvcc.UnsafeReadFinishedCompact(tx); ok {
		d.CompactRev = fin
	}
	err = tx.UnsafeForEach(schema.Key, func(k, v []byte) error {
		d.KeyBucket = append(d.KeyBucket, [2]string{hex.EncodeToString(k), hex.EncodeToString(v)})
		return nil
	})
	tx.RUnlock()
	if err != nil {
		return nil, err
	}
	h, _, err := s.(hasher).HashStorage().HashByRev(0)
	if err != nil {
		return nil, err
	}
	d.Hash = h.Hash
	for rev := max(d.CompactRev, 1); rev <= d.Rev; rev++ {
		rr, err := s.Range(context.Background(), []byte(history.RangeStart), []byte(history.RangeEnd), mvcc.RangeOptions{Rev: rev})
		if err != nil {
			return nil, fmt.Errorf("range at %d: %w", rev, err)
		}
		ra := history.RangeAt{Rev: rev}
		for _, kv := range rr.KVs {
			ra.KVs = append(ra.KVs, history.KV{Key: string(kv.Key), Value: string(kv.Value), CreateRevision: kv.CreateRevision, ModRevision: kv.ModRevision, Version: kv.Version, Lease: kv.Lease})
		}
		d.Ranges = append(d.Ranges, ra)
	}
	return d, nil
}
