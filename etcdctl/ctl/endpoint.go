package ctl

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/spf13/cobra"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// epHealth is one line of "endpoint health".
type epHealth struct {
	Ep     string `json:"endpoint"`
	Health bool   `json:"health"`
	Took   string `json:"took"`
	Error  string `json:"error,omitempty"`
}

// epStatus is one line of "endpoint status".
type epStatus struct {
	Ep   string                   `json:"Endpoint"`
	Resp *clientv3.StatusResponse `json:"Status"`
}

// epHashKV is one line of "endpoint hashkv".
type epHashKV struct {
	Ep   string                   `json:"Endpoint"`
	Resp *clientv3.HashKVResponse `json:"HashKV"`
}

func (a *app) newEndpointCommand() *cobra.Command {
	var cluster bool
	ec := &cobra.Command{
		Use:     "endpoint <subcommand>",
		Short:   "Endpoint related commands. Use `etcdctl endpoint --help` to see subcommands",
		Long:    "Endpoint related commands",
		GroupID: groupClusterMaintenance,
	}
	ec.PersistentFlags().BoolVar(&cluster, "cluster", false, "use all endpoints from the cluster member list")
	ec.AddCommand(
		a.newEpHealthCommand(&cluster),
		a.newEpStatusCommand(&cluster),
		a.newEpHashKVCommand(&cluster),
	)
	return ec
}

func (a *app) newEpHealthCommand(cluster *bool) *cobra.Command {
	return &cobra.Command{
		Use:   "health",
		Short: "Checks the healthiness of endpoints specified in `--endpoints` flag",
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			spec, err := a.clientSpecFromCmd(cmd)
			if err != nil {
				return err
			}
			eps, err := a.endpointsFromCluster(cmd, *cluster)
			if err != nil {
				return err
			}
			cfgs := make([]*clientv3.Config, 0, len(eps))
			for _, ep := range eps {
				cfg, err := spec.withEndpoints(ep).config()
				if err != nil {
					return exitErr(ExitBadArgs, err)
				}
				cfgs = append(cfgs, cfg)
			}
			var wg sync.WaitGroup
			hch := make(chan epHealth, len(cfgs))
			for _, cfg := range cfgs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					hch <- a.checkHealth(cmd, cfg)
				}()
			}
			wg.Wait()
			close(hch)
			unhealthy := false
			var hs []epHealth
			for h := range hch {
				hs = append(hs, h)
				unhealthy = unhealthy || h.Error != ""
			}
			if err := a.display.EndpointHealth(hs); err != nil {
				return err
			}
			if unhealthy {
				return exitErr(ExitError, errors.New("unhealthy cluster"))
			}
			return nil
		}),
	}
}

// checkHealth reads a key through cfg's one endpoint (any answer, even
// "permission denied", proves a proposal went through) and reports active
// alarms as unhealthy.
func (a *app) checkHealth(cmd *cobra.Command, cfg *clientv3.Config) epHealth {
	ep := cfg.Endpoints[0]
	c, err := clientv3.New(*cfg)
	if err != nil {
		return epHealth{Ep: ep, Error: err.Error()}
	}
	defer c.Close()
	start := time.Now()
	ctx, cancel := commandCtx(cmd)
	defer cancel()
	_, err = c.Get(ctx, "health")
	h := epHealth{Ep: ep, Took: time.Since(start).String()}
	if err == nil || errors.Is(err, rpctypes.ErrPermissionDenied) {
		h.Health = true
	} else {
		h.Error = err.Error()
	}
	if h.Health {
		resp, err := c.AlarmList(ctx)
		switch {
		case err != nil:
			h.Health, h.Error = false, "Unable to fetch the alarm list"
		case len(resp.Alarms) > 0:
			h.Health, h.Error = false, "Active Alarm(s): "
			for _, al := range resp.Alarms {
				switch al.Alarm {
				case pb.AlarmType_NOSPACE:
					h.Error += "NOSPACE "
				case pb.AlarmType_CORRUPT:
					h.Error += "CORRUPT "
				default:
					h.Error += "UNKNOWN "
				}
			}
		}
	}
	return h
}

func (a *app) newEpStatusCommand(cluster *bool) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Prints out the status of endpoints specified in `--endpoints` flag",
		Long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.
`,
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			spec, err := a.clientSpecFromCmd(cmd)
			if err != nil {
				return err
			}
			eps, err := a.endpointsFromCluster(cmd, *cluster)
			if err != nil {
				return err
			}
			var ss []epStatus
			failed := false
			for _, ep := range eps {
				c, err := spec.withEndpoints(ep).dial()
				if err != nil {
					return err
				}
				ctx, cancel := commandCtx(cmd)
				resp, serr := c.Status(ctx, ep)
				cancel()
				c.Close()
				if serr != nil {
					failed = true
					fmt.Fprintf(a.Err, "Failed to get the status of endpoint %s (%v)\n", ep, serr)
					continue
				}
				ss = append(ss, epStatus{Ep: ep, Resp: resp})
			}
			if err := a.display.EndpointStatus(ss); err != nil {
				return err
			}
			if failed {
				return errSilentExit(ExitError)
			}
			return nil
		}),
	}
}

func (a *app) newEpHashKVCommand(cluster *bool) *cobra.Command {
	var rev int64
	hc := &cobra.Command{
		Use:   "hashkv",
		Short: "Prints the KV history hash for each endpoint in --endpoints",
	}
	hc.PersistentFlags().Int64Var(&rev, "rev", 0, "maximum revision to hash (default: latest revision)")
	hc.RunE = run(func(cmd *cobra.Command, _ []string) error {
		spec, err := a.clientSpecFromCmd(cmd)
		if err != nil {
			return err
		}
		eps, err := a.endpointsFromCluster(cmd, *cluster)
		if err != nil {
			return err
		}
		var hs []epHashKV
		var lastErr error
		for _, ep := range eps {
			c, err := spec.withEndpoints(ep).dial()
			if err != nil {
				return err
			}
			ctx, cancel := commandCtx(cmd)
			resp, herr := c.HashKV(ctx, ep, rev)
			cancel()
			c.Close()
			if herr != nil {
				lastErr = herr
				fmt.Fprintf(a.Err, "Failed to get the hash of endpoint %s (%v)\n", ep, herr)
				continue
			}
			hs = append(hs, epHashKV{Ep: ep, Resp: resp})
		}
		if err := a.display.EndpointHashKV(hs); err != nil {
			return err
		}
		if lastErr != nil {
			return exitErr(ExitError, lastErr)
		}
		return nil
	})
	return hc
}

// endpointsFromCluster returns --endpoints, or with --cluster the client
// URLs of every member.
func (a *app) endpointsFromCluster(cmd *cobra.Command, cluster bool) ([]string, error) {
	if !cluster {
		eps, err := cmd.Flags().GetStringSlice("endpoints")
		if err != nil {
			return nil, exitErr(ExitError, err)
		}
		return eps, nil
	}
	spec, err := a.clientSpecFromCmd(cmd)
	if err != nil {
		return nil, err
	}
	spec.maxCallSendMsgSize, spec.maxCallRecvMsgSize = 0, 0
	cfg, err := spec.config()
	if err != nil {
		return nil, exitErr(ExitError, err)
	}
	c, err := clientv3.New(*cfg)
	if err != nil {
		return nil, exitErr(ExitError, err)
	}
	defer c.Close()
	ctx, cancel := commandCtx(cmd)
	defer cancel()
	resp, err := c.MemberList(ctx)
	if err != nil {
		return nil, exitErr(ExitError, fmt.Errorf("failed to fetch endpoints from etcd cluster member list: %w", err))
	}
	var eps []string
	for _, m := range resp.Members {
		eps = append(eps, m.ClientURLs...)
	}
	return eps, nil
}

var _ = sort.Strings
