package ctl

import (
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// tablePrinter draws member and endpoint listings as ASCII tables.
type tablePrinter struct {
	unsupported
	w io.Writer
}

func (t *tablePrinter) MemberList(r *clientv3.MemberListResponse) error {
	return t.table(memberListRows(r))
}

func (t *tablePrinter) EndpointHealth(hs []epHealth) error { return t.table(endpointHealthRows(hs)) }
func (t *tablePrinter) EndpointStatus(ss []epStatus) error { return t.table(endpointStatusRows(ss)) }
func (t *tablePrinter) EndpointHashKV(hs []epHashKV) error { return t.table(endpointHashKVRows(hs)) }

func (t *tablePrinter) table(hdr []string, rows [][]string) error {
	cfg := tablewriter.NewConfigBuilder().WithRowAlignment(tw.AlignRight).Build()
	tbl := tablewriter.NewTable(t.w, tablewriter.WithConfig(cfg))
	tbl.Header(hdr)
	for _, row := range rows {
		if err := tbl.Append(row); err != nil {
			return err
		}
	}
	return tbl.Render()
}
