package ctl

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// snapshotExample is etcdctl's example text, as its help prints it.
const snapshotExample = `  # Save snapshot to a given file
  etcdctl snapshot save /backup/etcd-snapshot.db
  
  # Get snapshot from given address and save it to file
  etcdctl snapshot save --endpoints=127.0.0.1:3000 /backup/etcd-snapshot.db
  
  # Get snapshot from given address with certificates
  etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/etcd/ca.crt --cert=/etc/etcd/etcd.crt --key=/etc/etcd/etcd.key snapshot save /backup/etcd-snapshot.db
  
  # Get snapshot with certain user and password
  etcdctl --user=root --password=password123 snapshot save /backup/etcd-snapshot.db
  
  # Get snapshot from given address with timeout
  etcdctl --endpoints=https://127.0.0.1:2379 --dial-timeout=20s snapshot save /backup/etcd-snapshot.db
  
  # Save snapshot with desirable time format
  etcdctl snapshot save /mnt/backup/etcd/backup_$(date +%Y%m%d_%H%M%S).db`

func (a *app) newSnapshotCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "snapshot <subcommand>",
		Short:   "Manages etcd node snapshots",
		Example: snapshotExample,
		GroupID: groupClusterMaintenance,
	}
	cmd.AddCommand(a.newSnapshotSaveCommand())
	return cmd
}

func (a *app) newSnapshotSaveCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "save <filename>",
		Short:   "Stores an etcd node backend snapshot to a given file",
		Example: snapshotExample,
		RunE: run(func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return exitErr(ExitBadArgs, errors.New("snapshot save expects one argument <filename>"))
			}
			spec, err := a.clientSpecFromCmd(cmd)
			if err != nil {
				return err
			}
			cfg, err := spec.config()
			if err != nil {
				return exitErr(ExitBadArgs, err)
			}
			// Without --command-timeout a snapshot may take as long as
			// it takes.
			ctx, cancel := context.WithCancel(context.Background())
			if cmd.Flags().Changed("command-timeout") {
				ctx, cancel = commandCtx(cmd)
			}
			defer cancel()

			lg := newStderrLogger(a.Err)
			defer func() { _ = lg.Sync() }()
			path := args[0]
			version, err := saveSnapshot(ctx, lg, cfg, path)
			if err != nil {
				return exitErr(ExitInterrupted, err)
			}
			fmt.Fprintf(a.Out, "Snapshot saved at %s\n", path)
			if version != "" {
				fmt.Fprintf(a.Out, "Server version %s\n", version)
			}
			return nil
		}),
	}
}

// saveSnapshot streams the snapshot of cfg's one endpoint into path (via
// path.part, renamed once complete and synced) and returns the version
// the server reported.
func saveSnapshot(ctx context.Context, lg *zap.Logger, cfg *clientv3.Config, path string) (string, error) {
	if len(cfg.Endpoints) != 1 {
		return "", fmt.Errorf("snapshot must be requested to one selected node, not multiple %v", cfg.Endpoints)
	}
	c, err := clientv3.New(*cfg)
	if err != nil {
		return "", err
	}
	defer c.Close()

	part := path + ".part"
	defer os.RemoveAll(part)
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return "", fmt.Errorf("could not open %s (%w)", part, err)
	}
	defer f.Close()
	lg.Info("created temporary db file", zap.String("path", part))

	start := time.Now()
	resp, err := c.SnapshotWithVersion(ctx)
	if err != nil {
		return "", err
	}
	defer resp.Snapshot.Close()
	lg.Info("fetching snapshot", zap.String("endpoint", cfg.Endpoints[0]))
	size, err := io.Copy(f, resp.Snapshot)
	if err != nil {
		return resp.Version, fmt.Errorf("could not write snapshot: %w", err)
	}
	if !hasChecksum(size) {
		return resp.Version, fmt.Errorf("sha256 checksum not found [bytes: %d]", size)
	}
	if err := f.Sync(); err != nil {
		return resp.Version, fmt.Errorf("could not fsync snapshot: %w", err)
	}
	if err := f.Close(); err != nil {
		return resp.Version, fmt.Errorf("could not close file descriptor: %w", err)
	}
	lg.Info("fetched snapshot",
		zap.String("endpoint", cfg.Endpoints[0]),
		zap.String("size", humanize.Bytes(uint64(size))),
		zap.Duration("took", time.Since(start)),
		zap.String("etcd-version", resp.Version),
	)
	if err := os.Rename(part, path); err != nil {
		return resp.Version, fmt.Errorf("could not rename %s to %s (%w)", part, path, err)
	}
	lg.Info("saved", zap.String("path", path))
	return resp.Version, nil
}

// hasChecksum reports whether a snapshot of n bytes ends in the sha256
// the server appends: the database is a whole number of 512-byte sectors.
func hasChecksum(n int64) bool { return n%512 == sha256.Size }
