package ctl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdgo/etcd/api/v3/mvccpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// mirrorFlags are make-mirror's options.
type mirrorFlags struct {
	insecureTr         bool
	cert, key, cacert  string
	prefix, destPrefix string
	user, password     string
	noDestPrefix       bool
	rev                int64
	maxTxnOps          uint
}

// mirrorProgressEvery is how often make-mirror prints its running count.
const mirrorProgressEvery = 30 * time.Second

func (a *app) newMakeMirrorCommand() *cobra.Command {
	f := &mirrorFlags{}
	c := &cobra.Command{
		Use:     "make-mirror [options] <destination>",
		Short:   "Makes a mirror at the destination etcd cluster",
		GroupID: groupUtility,
	}
	fl := c.Flags()
	fl.StringVar(&f.prefix, "prefix", "", "Key-value prefix to mirror")
	fl.Int64Var(&f.rev, "rev", 0, "Specify the kv revision to start to mirror")
	fl.UintVar(&f.maxTxnOps, "max-txn-ops", 128, "Maximum number of operations permitted in a transaction during syncing updates.")
	fl.StringVar(&f.destPrefix, "dest-prefix", "", "destination prefix to mirror a prefix to a different prefix in the destination cluster")
	fl.BoolVar(&f.noDestPrefix, "no-dest-prefix", false, "mirror key-values to the root of the destination cluster")
	fl.StringVar(&f.cert, "dest-cert", "", "Identify secure client using this TLS certificate file for the destination cluster")
	fl.StringVar(&f.key, "dest-key", "", "Identify secure client using this TLS key file")
	fl.StringVar(&f.cacert, "dest-cacert", "", "Verify certificates of TLS enabled secure servers using this CA bundle")
	fl.BoolVar(&f.insecureTr, "dest-insecure-transport", true, "Disable transport security for client connections")
	fl.StringVar(&f.user, "dest-user", "", "Destination username[:password] for authentication (prompt if password is not supplied)")
	fl.StringVar(&f.password, "dest-password", "", "Destination password for authentication (if this option is used, --user option shouldn't include password)")

	c.RunE = run(func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return exitErr(ExitBadArgs, errors.New("make-mirror takes one destination argument"))
		}
		flags := cmd.Flags()
		dest := &clientSpec{endpoints: []string{args[0]}}
		dest.dialTimeout, _ = flags.GetDuration("dial-timeout")
		dest.keepAliveTime, _ = flags.GetDuration("keepalive-time")
		dest.keepAliveTimeout, _ = flags.GetDuration("keepalive-timeout")
		dest.maxCallSendMsgSize, _ = flags.GetInt("max-request-bytes")
		dest.maxCallRecvMsgSize, _ = flags.GetInt("max-recv-bytes")
		dest.secure = &secureConfig{cert: f.cert, key: f.key, cacert: f.cacert, insecureTransport: f.insecureTr}
		auth, err := a.destAuth(f)
		if err != nil {
			return err
		}
		dest.auth = auth
		dc, err := dest.dial()
		if err != nil {
			return err
		}
		defer dc.Close()
		sc, err := a.newClient(cmd)
		if err != nil {
			return err
		}
		defer sc.Close()
		err = a.makeMirror(cmd.Context(), f, sc, dc)
		if _, ok := asExit(err); ok {
			return err
		}
		return exitErr(ExitError, err)
	})
	return c
}

func (a *app) destAuth(f *mirrorFlags) (*authConfig, error) {
	if f.user == "" {
		return nil, nil
	}
	if f.password != "" {
		return &authConfig{username: f.user, password: f.password}, nil
	}
	if name, pw, ok := strings.Cut(f.user, ":"); ok {
		return &authConfig{username: name, password: pw}, nil
	}
	pw, err := a.askPassword("Destination Password: ")
	if err != nil {
		return nil, exitErr(ExitError, err)
	}
	return &authConfig{username: f.user, password: pw}, nil
}

// makeMirror copies the prefix's keys as of one revision, then replays
// every later change, batching the events of one revision into one txn.
// It prints the number of keys copied so far every 30 seconds.
func (a *app) makeMirror(ctx context.Context, f *mirrorFlags, c, dc *clientv3.Client) error {
	if f.noDestPrefix && f.destPrefix != "" {
		return exitErr(ExitBadArgs, errors.New("`--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one"))
	}
	var total atomic.Int64
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		t := time.NewTicker(mirrorProgressEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fmt.Fprintln(a.Out, total.Load())
			}
		}
	}()

	startRev := max(f.rev-1, 0)
	// As in etcdctl, the destination prefix defaults to the source prefix
	// only when the whole prefix is copied first (no --rev).
	destPrefix := f.destPrefix
	if startRev == 0 && !f.noDestPrefix && destPrefix == "" {
		destPrefix = f.prefix
	}
	rename := func(key []byte) string { return strings.Replace(string(key), f.prefix, destPrefix, 1) }
	syncer := newMirrorSyncer(c, f.prefix, startRev)
	if startRev == 0 {
		err := syncer.syncBase(ctx, func(kvs []*mvccpb.KeyValue) error {
			for _, kv := range kvs {
				if _, err := dc.Put(ctx, rename(kv.Key), string(kv.Value)); err != nil {
					return err
				}
				total.Add(1)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}

	for wr := range syncer.syncUpdates(ctx) {
		if wr.CompactRevision != 0 {
			return rpctypes.ErrCompacted
		}
		var lastRev int64
		var ops []clientv3.Op
		flush := func() error {
			if len(ops) == 0 {
				return nil
			}
			_, err := dc.Txn(ctx).Then(ops...).Commit()
			ops = nil
			return err
		}
		for _, ev := range wr.Events {
			next := ev.Kv.ModRevision
			if lastRev != 0 && next > lastRev {
				if err := flush(); err != nil {
					return err
				}
			}
			lastRev = next
			if len(ops) == int(f.maxTxnOps) {
				if err := flush(); err != nil {
					return err
				}
			}
			switch ev.Type {
			case mvccpb.Event_PUT:
				ops = append(ops, clientv3.OpPut(rename(ev.Kv.Key), string(ev.Kv.Value)))
			case mvccpb.Event_DELETE:
				ops = append(ops, clientv3.OpDelete(rename(ev.Kv.Key)))
			}
			total.Add(1)
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}
