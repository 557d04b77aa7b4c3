package main

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/etcdgo/etcd/tools/v3/benchmark/report"
)

func TestParseVmHWM(t *testing.T) {
	tests := []struct {
		name, in string
		want     int64
		wantErr  bool
	}{
		{name: "present", in: "Name:\tetcd\nVmPeak:\t  10 kB\nVmHWM:\t   2048 kB\nVmRSS:\t 1 kB\n", want: 2 << 20},
		{name: "absent", in: "Name:\tetcd\n", wantErr: true},
		{name: "bad unit", in: "VmHWM:\t 5 MB\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseVmHWM(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseVmHWM = %d, %v; want %d, err %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestWorkloadArgv(t *testing.T) {
	w := workload{args: "--clients=2 put --total=%d", total: 100, quick: 10}
	tests := []struct {
		quick bool
		want  []string
	}{
		{false, []string{"--clients=2", "put", "--total=100"}},
		{true, []string{"--clients=2", "put", "--total=10"}},
	}
	for _, tt := range tests {
		if got := w.argv(tt.quick); !slices.Equal(got, tt.want) {
			t.Errorf("argv(%v) = %v, want %v", tt.quick, got, tt.want)
		}
	}
	for _, w := range workloads {
		if len(w.argv(true)) == 0 || w.op == "" || w.quick > w.total {
			t.Errorf("workload %q is malformed", w.name)
		}
	}
}

func TestAggregateAndTable(t *testing.T) {
	ok := func(rps float64, rss int64) sample {
		return sample{stats: report.Stats{RPS: rps, Lats: []float64{0.001, 0.002}}, use: usage{peakRSS: rss, dbSize: 1 << 20}}
	}
	tests := []struct {
		name    string
		ours    []sample
		etcd    []sample
		want    []string
		wantRPS float64
	}{
		{name: "both ok", ours: []sample{ok(100, 10<<20), ok(300, 20<<20)}, etcd: []sample{ok(100, 30<<20)},
			want: []string{"200", "100", "2.00", "20.0MiB", "30.0MiB"}, wantRPS: 200},
		{name: "median of three", ours: []sample{ok(100, 1), ok(900, 1), ok(200, 1)}, etcd: []sample{ok(100, 1)},
			want: []string{"200", "100", "2.00"}, wantRPS: 200},
		{name: "failed requests", ours: []sample{{stats: report.Stats{RPS: 10, ErrorDist: map[string]int{"timeout": 3}}, failed: 3}}, etcd: []sample{ok(10, 1)},
			want: []string{"10*", "1.00", "note: 1-member x, ours (*): 3 requests failed: map[timeout:3]"}, wantRPS: 10},
		{name: "ours failed", ours: []sample{{err: errors.New("boom")}}, etcd: []sample{ok(50, 1)},
			want: []string{"err", "50", "note: 1-member x, ours: 1 of 1 runs failed, last: boom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := row{size: 1, workload: workload{name: "x"}, ours: aggregate(tt.ours), etcd: aggregate(tt.etcd)}
			if r.ours.rps != tt.wantRPS {
				t.Fatalf("rps = %v, want %v", r.ours.rps, tt.wantRPS)
			}
			var b bytes.Buffer
			writeTable(&b, []row{r})
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("missing %q in:\n%s", w, b.String())
				}
			}
		})
	}
}

func TestMisses(t *testing.T) {
	res := func(rps, p99 float64, rss int64) result { return result{rps: rps, p99: p99, rss: rss, ok: 1, runs: 1} }
	put := workload{name: "put", minRatio: 1.3}
	rng := workload{name: "range"}
	tests := []struct {
		name string
		rows []row
		want []string
	}{
		{name: "all met", rows: []row{
			{size: 1, workload: put, ours: res(130, 0.010, 10), etcd: res(100, 0.010, 10)},
			{size: 3, workload: rng, ours: res(100, 0.009, 9), etcd: res(100, 0.010, 10)},
		}},
		{name: "put below its own target", rows: []row{{size: 1, workload: put, ours: res(129, 0.01, 1), etcd: res(100, 0.01, 1)}},
			want: []string{"1-member put: ratio 1.29 < 1.30"}},
		{name: "range below parity", rows: []row{{size: 3, workload: rng, ours: res(99, 0.01, 1), etcd: res(100, 0.01, 1)}},
			want: []string{"3-member range: ratio 0.99 < 1.00"}},
		{name: "p99 and RSS", rows: []row{{size: 1, workload: rng, ours: res(200, 0.0376, 2<<20), etcd: res(100, 0.0374, 1<<20)}},
			want: []string{"1-member range: p99 37.6ms > 37.4ms", "1-member range: peak RSS 2.0MiB > 1.0MiB"}},
		{name: "no result", rows: []row{{size: 1, workload: rng, ours: result{runs: 1}, etcd: res(100, 0.01, 1)}},
			want: []string{"1-member range: no result"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := misses(tt.rows); !slices.Equal(got, tt.want) {
				t.Fatalf("misses = %q, want %q", got, tt.want)
			}
			var b bytes.Buffer
			writeTargets(&b, tt.rows)
			if len(tt.want) == 0 && !strings.Contains(b.String(), "all met") {
				t.Fatalf("writeTargets:\n%s", b.String())
			}
			if h := "Targets (ratio >= 1.0, >= 1.3 for put 16x256 val=256; p99 and peak RSS <= etcd's)"; !strings.Contains(b.String(), h) {
				t.Fatalf("writeTargets without %q:\n%s", h, b.String())
			}
		})
	}
}

func TestP99Wins(t *testing.T) {
	lat := func(p99 float64) sample {
		lats := make([]float64, 100)
		for i := range lats {
			lats[i] = p99
		}
		return sample{stats: report.Stats{Lats: lats}}
	}
	failed := sample{err: errors.New("boom")}
	tests := []struct {
		name       string
		ours, etcd []sample
		want       pairs
	}{
		{name: "all won", ours: []sample{lat(1), lat(2)}, etcd: []sample{lat(2), lat(3)}, want: pairs{2, 2}},
		{name: "tie is a win", ours: []sample{lat(2)}, etcd: []sample{lat(2)}, want: pairs{1, 1}},
		// Medians taken apart would say ours lost (2.5 > 2.0); paired, it
		// won the rounds in which both ran under the same conditions.
		{name: "drift", ours: []sample{lat(1), lat(2), lat(3), lat(4)}, etcd: []sample{lat(1.5), lat(2.5), lat(3.5), lat(0.5)}, want: pairs{3, 4}},
		{name: "failed rounds skipped", ours: []sample{failed, lat(1), lat(5)}, etcd: []sample{lat(1), failed, lat(4)}, want: pairs{0, 1}},
		{name: "uneven", ours: []sample{lat(1)}, etcd: nil, want: pairs{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p99Wins(tt.ours, tt.etcd); got != tt.want {
				t.Fatalf("p99Wins = %+v, want %+v", got, tt.want)
			}
		})
	}
}
