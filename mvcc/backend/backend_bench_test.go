package backend

import (
	"fmt"
	"testing"
)

func BenchmarkBatchPut(b *testing.B) {
	be := openTest(b, Config{})
	put(be, Key)
	keys := make([][]byte, 10000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("%08d", i))
	}
	val := make([]byte, 64)
	tx := be.BatchTx()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tx.Lock()
		tx.UnsafeSeqPut(Key, keys[i%len(keys)], val)
		tx.Unlock()
	}
}

func BenchmarkReadTxGet(b *testing.B) {
	be := openTest(b, Config{})
	put(be, Key, "a", "1")
	be.ForceCommit()
	k := []byte("a")
	r := be.ReadTx()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.RLock()
		if r.UnsafeGet(Key, k) == nil {
			b.Fatal("missing")
		}
		r.RUnlock()
	}
}
