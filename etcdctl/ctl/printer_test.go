package ctl

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	"github.com/etcdgo/etcd/api/v3/mvccpb"
	clientv3 "github.com/etcdgo/etcd/client/v3"
)

// What etcd's etcdctl v3.7 printed for these responses of a one-member
// cluster (member n1).
const (
	clusterID = 8140765981764738059
	memberID  = 185828541645115251
)

func testHeader(rev int64) *pb.ResponseHeader {
	return &pb.ResponseHeader{ClusterId: clusterID, MemberId: memberID, Revision: rev, RaftTerm: 2}
}

func testGet() *clientv3.GetResponse {
	return &clientv3.GetResponse{
		Header: testHeader(16),
		Kvs:    []*mvccpb.KeyValue{{Key: []byte("foo"), CreateRevision: 2, ModRevision: 12, Version: 10, Value: []byte("bar")}},
		Count:  1,
	}
}

func testMemberList() *clientv3.MemberListResponse {
	return &clientv3.MemberListResponse{
		Header: testHeader(0),
		Members: []*pb.Member{{
			ID: memberID, Name: "n1",
			PeerURLs: []string{"http://127.0.0.1:23802"}, ClientURLs: []string{"http://127.0.0.1:23792"},
		}},
	}
}

func testHashKV() []epHashKV {
	return []epHashKV{{Ep: "127.0.0.1:23792", Resp: &clientv3.HashKVResponse{
		Header: testHeader(2), Hash: 3305255506, CompactRevision: -1, HashRevision: 2,
	}}}
}

func testAlarms() *clientv3.AlarmResponse {
	return &clientv3.AlarmResponse{
		Header: testHeader(1),
		Alarms: []*pb.AlarmMember{{MemberID: memberID, Alarm: pb.AlarmType_NOSPACE}},
	}
}

func TestPrinters(t *testing.T) {
	tests := []struct {
		name   string
		format string
		hex    bool
		print  func(printer) error
		want   string
		code   int // an unsupported format's exit code
	}{
		{name: "get", format: "simple", print: func(p printer) error { return p.Get(testGet()) }, want: "foo\nbar\n"},
		{name: "get hex", format: "simple", hex: true, print: func(p printer) error { return p.Get(testGet()) }, want: "\\x66\\x6f\\x6f\n\\x62\\x61\\x72\n"},
		{name: "get", format: "json", print: func(p printer) error { return p.Get(testGet()) },
			want: `{"header":{"cluster_id":8140765981764738059,"member_id":185828541645115251,"revision":16,"raft_term":2},"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":12,"version":10,"value":"YmFy"}],"count":1}` + "\n"},
		{name: "get", format: "fields", print: func(p printer) error { return p.Get(testGet()) },
			want: `"ClusterID" : 8140765981764738059
"MemberID" : 185828541645115251
"Revision" : 16
"RaftTerm" : 2
"Key" : "foo"
"CreateRevision" : 2
"ModRevision" : 12
"Version" : 10
"Value" : "bar"
"Lease" : 0
"More" : false
"Count" : 1
`},
		{name: "get", format: "table", print: func(p printer) error { return p.Get(testGet()) }, code: ExitBadFeature},

		{name: "member list", format: "simple", print: func(p printer) error { return p.MemberList(testMemberList()) },
			want: "2943212f5e2cf73, started, n1, http://127.0.0.1:23802, http://127.0.0.1:23792, false\n"},
		{name: "member list", format: "table", print: func(p printer) error { return p.MemberList(testMemberList()) },
			want: `┌─────────────────┬─────────┬──────┬────────────────────────┬────────────────────────┬────────────┐
│       ID        │ STATUS  │ NAME │       PEER ADDRS       │      CLIENT ADDRS      │ IS LEARNER │
├─────────────────┼─────────┼──────┼────────────────────────┼────────────────────────┼────────────┤
│ 2943212f5e2cf73 │ started │   n1 │ http://127.0.0.1:23802 │ http://127.0.0.1:23792 │      false │
└─────────────────┴─────────┴──────┴────────────────────────┴────────────────────────┴────────────┘
`},
		{name: "member list", format: "fields", print: func(p printer) error { return p.MemberList(testMemberList()) },
			want: `"ClusterID" : 8140765981764738059
"MemberID" : 185828541645115251
"RaftTerm" : 2
"ID" : 185828541645115251
"Name" : "n1"
"PeerURL" : "http://127.0.0.1:23802"
"ClientURL" : "http://127.0.0.1:23792"
"IsLearner" : false

`},
		{name: "member list", format: "json", print: func(p printer) error { return p.MemberList(testMemberList()) },
			want: `{"header":{"cluster_id":8140765981764738059,"member_id":185828541645115251,"raft_term":2},"members":[{"ID":185828541645115251,"name":"n1","peerURLs":["http://127.0.0.1:23802"],"clientURLs":["http://127.0.0.1:23792"]}]}` + "\n"},
		{name: "member list hex", format: "json", hex: true, print: func(p printer) error { return p.MemberList(testMemberList()) },
			want: `{"header":{"cluster_id":"70f9cf875eabdc0b","member_id":"2943212f5e2cf73","raft_term":2},"members":[{"ID":"2943212f5e2cf73","name":"n1","peerURLs":["http://127.0.0.1:23802"],"clientURLs":["http://127.0.0.1:23792"]}]}` + "\n"},

		{name: "hashkv", format: "simple", print: func(p printer) error { return p.EndpointHashKV(testHashKV()) },
			want: "127.0.0.1:23792, 3305255506, 2\n"},
		{name: "hashkv", format: "table", print: func(p printer) error { return p.EndpointHashKV(testHashKV()) },
			want: `┌─────────────────┬────────────┬───────────────┐
│    ENDPOINT     │    HASH    │ HASH REVISION │
├─────────────────┼────────────┼───────────────┤
│ 127.0.0.1:23792 │ 3305255506 │             2 │
└─────────────────┴────────────┴───────────────┘
`},
		{name: "hashkv", format: "fields", print: func(p printer) error { return p.EndpointHashKV(testHashKV()) },
			want: `"ClusterID" : 8140765981764738059
"MemberID" : 185828541645115251
"Revision" : 2
"RaftTerm" : 2
"Endpoint" : "127.0.0.1:23792"
"Hash" : 3305255506
"HashRevision" : 2

`},
		{name: "hashkv", format: "json", print: func(p printer) error { return p.EndpointHashKV(testHashKV()) },
			want: `[{"Endpoint":"127.0.0.1:23792","HashKV":{"header":{"cluster_id":8140765981764738059,"member_id":185828541645115251,"revision":2,"raft_term":2},"hash":3305255506,"compact_revision":-1,"hash_revision":2}}]` + "\n"},

		{name: "alarms", format: "simple", print: func(p printer) error { return p.Alarm(testAlarms()) },
			want: "memberID:185828541645115251 alarm:NOSPACE\n"},
		{name: "alarms", format: "fields", print: func(p printer) error { return p.Alarm(testAlarms()) },
			want: `"ClusterID" : 8140765981764738059
"MemberID" : 185828541645115251
"Revision" : 1
"RaftTerm" : 2
"MemberID" : 185828541645115251
"AlarmType" : NOSPACE

`},
		{name: "alarms hex", format: "fields", hex: true, print: func(p printer) error { return p.Alarm(testAlarms()) },
			want: `"ClusterID" : 70f9cf875eabdc0b
"MemberID" : 2943212f5e2cf73
"Revision" : 1
"RaftTerm" : 2
"MemberID" : 2943212f5e2cf73
"AlarmType" : NOSPACE

`},
		{name: "alarms", format: "json", print: func(p printer) error { return p.Alarm(testAlarms()) },
			want: `{"header":{"cluster_id":8140765981764738059,"member_id":185828541645115251,"revision":1,"raft_term":2},"alarms":[{"memberID":185828541645115251,"alarm":1}]}` + "\n"},
		{name: "no alarms disarmed", format: "json", print: func(p printer) error { return p.Alarm(&clientv3.AlarmResponse{}) }, want: "{}\n"},
		{name: "no alarms disarmed", format: "fields", print: func(p printer) error { return p.Alarm(&clientv3.AlarmResponse{}) },
			want: "\"ClusterID\" : 0\n\"MemberID\" : 0\n\"RaftTerm\" : 0\n"},
		{name: "alarms", format: "table", print: func(p printer) error { return p.Alarm(testAlarms()) }, code: ExitBadFeature},
		{name: "hashkv", format: "protobuf", print: func(p printer) error { return p.EndpointHashKV(testHashKV()) }, code: ExitBadFeature},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := tt.print(newPrinter(tt.format, tt.hex, &out, &errOut))
			if tt.code != 0 {
				if exitCode(err) != tt.code || err.Error() != tt.format+" not supported as output format" {
					t.Fatalf("error %v (exit %d), want %q (exit %d)", err, exitCode(err), tt.format+" not supported as output format", tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", out.String(), tt.want)
			}
			if errOut.Len() != 0 {
				t.Fatalf("stderr %q", errOut.String())
			}
		})
	}
}

// TestProtobufPrinter: -w protobuf writes the response's wire encoding.
func TestProtobufPrinter(t *testing.T) {
	var out bytes.Buffer
	if err := newPrinter("protobuf", false, &out, &out).Get(testGet()); err != nil {
		t.Fatal(err)
	}
	var got pb.RangeResponse
	if err := proto.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if want := (*pb.RangeResponse)(testGet()); !proto.Equal(&got, want) {
		t.Fatalf("decoded %v, want %v", &got, want)
	}
}

func TestNewPrinterUnknown(t *testing.T) {
	if p := newPrinter("yaml", false, nil, nil); p != nil {
		t.Fatalf("newPrinter(yaml) = %T, want nil", p)
	}
}
