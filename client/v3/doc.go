// Package clientv3 is a Go client for the etcd v3 API, a drop-in
// replacement for go.etcd.io/etcd/client/v3: the same types, functions,
// options, behaviour and error values, so that a program written for etcd's
// client needs only its import paths changed.
//
// Create a client with New; it balances calls over all endpoints (round
// robin), retries calls that are safe to retry, and must be closed:
//
//	cli, err := clientv3.New(clientv3.Config{
//		Endpoints:   []string{"localhost:2379"},
//		DialTimeout: 5 * time.Second,
//	})
//	if err != nil {
//		// handle error
//	}
//	defer cli.Close()
//
//	resp, err := cli.Put(ctx, "sample_key", "sample_value")
//
// Errors returned by the server are etcd's rpctypes errors
// (rpctypes.ErrEmptyKey, rpctypes.ErrCompacted, …), compared with errors.Is
// or ==; a canceled or expired context yields ctx.Err().
//
// The client depends on nothing of the server: importing it pulls in the
// api module, gRPC and zap only.
package clientv3
