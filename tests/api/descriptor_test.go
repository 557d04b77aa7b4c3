package api

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	_ "github.com/etcdgo/etcd/api/v3/authpb"
	_ "github.com/etcdgo/etcd/api/v3/etcdserverpb"
	_ "github.com/etcdgo/etcd/api/v3/leasepb"
	_ "github.com/etcdgo/etcd/api/v3/membershippb"
	_ "github.com/etcdgo/etcd/api/v3/mvccpb"
	_ "github.com/etcdgo/etcd/api/v3/v3electionpb"
	_ "github.com/etcdgo/etcd/api/v3/v3lockpb"
	_ "github.com/etcdgo/etcd/api/v3/versionpb"
)

// etcdFiles are the files etcd v3.7 registers that make up its API (and the
// storage payloads we share with it), under the names it registers them.
var etcdFiles = []string{
	"auth.proto", "etcdserver.proto", "kv.proto", "lease.proto", "membership.proto",
	"raft_internal.proto", "rpc.proto", "v3election.proto", "v3lock.proto", "version.proto",
}

// etcdDesc builds and runs the etcddesc program once per test binary.
func etcdDesc(t *testing.T, mode string, stdin []byte) []byte {
	t.Helper()
	bin := filepath.Join(buildDir(t), "etcddesc")
	cmd := exec.Command(bin, mode)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("etcddesc %s: %v: %s", mode, err, stderr.String())
	}
	return out
}

var builtDir string

func buildDir(t *testing.T) string {
	t.Helper()
	if builtDir != "" {
		return builtDir
	}
	dir, err := os.MkdirTemp("", "etcddesc")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "etcddesc"), "./etcddesc")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building etcddesc: %v\n%s", err, out)
	}
	builtDir = dir
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

func etcdRegistry(t *testing.T) *protoregistry.Files {
	t.Helper()
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(etcdDesc(t, "dump", nil), &set); err != nil {
		t.Fatal(err)
	}
	// etcd imports its files by paths ("etcd/api/mvccpb/kv.proto") other
	// than those it registers them under ("kv.proto"); link by base name.
	registered, byBase := map[string]bool{}, map[string]string{}
	for _, f := range set.File {
		registered[f.GetName()] = true
		byBase[filepath.Base(f.GetName())] = f.GetName()
	}
	for _, f := range set.File {
		for i, dep := range f.Dependency {
			if registered[dep] {
				continue
			}
			if name, ok := byBase[filepath.Base(dep)]; ok {
				f.Dependency[i] = name
			}
		}
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestDescriptorsMatchEtcd walks every file etcd registers for its API and
// fails on any difference from ours in a name, number, type or cardinality.
func TestDescriptorsMatchEtcd(t *testing.T) {
	theirs := etcdRegistry(t)
	for _, path := range etcdFiles {
		t.Run(path, func(t *testing.T) {
			want, err := theirs.FindFileByPath(path)
			if err != nil {
				t.Fatalf("etcd does not register %s: %v", path, err)
			}
			got, err := protoregistry.GlobalFiles.FindFileByPath(path)
			if err != nil {
				t.Fatalf("we do not register %s: %v", path, err)
			}
			var diffs []string
			diffFile(&diffs, got, want)
			for _, d := range diffs {
				t.Error(d)
			}
		})
	}
}

func diffFile(d *[]string, got, want protoreflect.FileDescriptor) {
	if got.Package() != want.Package() {
		*d = append(*d, fmt.Sprintf("%s: package %s, etcd has %s", want.Path(), got.Package(), want.Package()))
	}
	if got.Syntax() != want.Syntax() {
		*d = append(*d, fmt.Sprintf("%s: syntax %v, etcd has %v", want.Path(), got.Syntax(), want.Syntax()))
	}
	diffMessages(d, got.Messages(), want.Messages())
	diffEnums(d, got.Enums(), want.Enums())
	diffNames(d, string(want.Path())+" services", names(got.Services()), names(want.Services()))
	for i := 0; i < want.Services().Len(); i++ {
		ws := want.Services().Get(i)
		gs := got.Services().ByName(ws.Name())
		if gs == nil {
			continue
		}
		diffNames(d, string(ws.FullName())+" methods", names(gs.Methods()), names(ws.Methods()))
		for j := 0; j < ws.Methods().Len(); j++ {
			wm := ws.Methods().Get(j)
			gm := gs.Methods().ByName(wm.Name())
			if gm == nil {
				continue
			}
			if gm.Input().FullName() != wm.Input().FullName() || gm.Output().FullName() != wm.Output().FullName() ||
				gm.IsStreamingClient() != wm.IsStreamingClient() || gm.IsStreamingServer() != wm.IsStreamingServer() {
				*d = append(*d, fmt.Sprintf("%s: signature differs", wm.FullName()))
			}
		}
	}
	diffNames(d, string(want.Path())+" extensions", names(got.Extensions()), names(want.Extensions()))
	for i := 0; i < want.Extensions().Len(); i++ {
		we := want.Extensions().Get(i)
		if ge := got.Extensions().ByName(we.Name()); ge != nil {
			diffField(d, ge, we)
		}
	}
}

func diffMessages(d *[]string, got, want protoreflect.MessageDescriptors) {
	diffNames(d, "messages", names(got), names(want))
	for i := 0; i < want.Len(); i++ {
		wm := want.Get(i)
		gm := got.ByName(wm.Name())
		if gm == nil {
			continue
		}
		if gm.FullName() != wm.FullName() {
			*d = append(*d, fmt.Sprintf("message %s is %s here", wm.FullName(), gm.FullName()))
		}
		diffNames(d, string(wm.FullName())+" fields", names(gm.Fields()), names(wm.Fields()))
		for j := 0; j < wm.Fields().Len(); j++ {
			wf := wm.Fields().Get(j)
			if gf := gm.Fields().ByName(wf.Name()); gf != nil {
				diffField(d, gf, wf)
			}
		}
		diffNames(d, string(wm.FullName())+" oneofs", names(gm.Oneofs()), names(wm.Oneofs()))
		diffReserved(d, gm, wm)
		diffMessages(d, gm.Messages(), wm.Messages())
		diffEnums(d, gm.Enums(), wm.Enums())
	}
}

func diffField(d *[]string, g, w protoreflect.FieldDescriptor) {
	say := func(what string, gv, wv any) {
		*d = append(*d, fmt.Sprintf("field %s: %s %v, etcd has %v", w.FullName(), what, gv, wv))
	}
	if g.Number() != w.Number() {
		say("number", g.Number(), w.Number())
	}
	if g.Kind() != w.Kind() {
		say("type", g.Kind(), w.Kind())
	}
	if g.Cardinality() != w.Cardinality() {
		say("cardinality", g.Cardinality(), w.Cardinality())
	}
	if g.IsMap() != w.IsMap() || g.IsPacked() != w.IsPacked() || g.HasPresence() != w.HasPresence() {
		say("map/packed/presence", []bool{g.IsMap(), g.IsPacked(), g.HasPresence()}, []bool{w.IsMap(), w.IsPacked(), w.HasPresence()})
	}
	if g.JSONName() != w.JSONName() {
		say("json name", g.JSONName(), w.JSONName())
	}
	if gm, wm := g.Message(), w.Message(); (gm == nil) != (wm == nil) || (gm != nil && gm.FullName() != wm.FullName()) {
		say("message type", fullName(gm), fullName(wm))
	}
	if ge, we := g.Enum(), w.Enum(); (ge == nil) != (we == nil) || (ge != nil && ge.FullName() != we.FullName()) {
		say("enum type", fullName(ge), fullName(we))
	}
	if go1, wo := g.ContainingOneof(), w.ContainingOneof(); (go1 == nil) != (wo == nil) || (go1 != nil && go1.Name() != wo.Name()) {
		say("oneof", fullName(go1), fullName(wo))
	}
	if g.HasDefault() != w.HasDefault() || (g.HasDefault() && g.Default().String() != w.Default().String()) {
		say("default", g.Default(), w.Default())
	}
	if g.IsExtension() && g.ContainingMessage().FullName() != w.ContainingMessage().FullName() {
		say("extendee", g.ContainingMessage().FullName(), w.ContainingMessage().FullName())
	}
}

func diffEnums(d *[]string, got, want protoreflect.EnumDescriptors) {
	diffNames(d, "enums", names(got), names(want))
	for i := 0; i < want.Len(); i++ {
		we := want.Get(i)
		ge := got.ByName(we.Name())
		if ge == nil {
			continue
		}
		diffNames(d, string(we.FullName())+" values", names(ge.Values()), names(we.Values()))
		for j := 0; j < we.Values().Len(); j++ {
			wv := we.Values().Get(j)
			if gv := ge.Values().ByName(wv.Name()); gv != nil && gv.Number() != wv.Number() {
				*d = append(*d, fmt.Sprintf("enum value %s: number %d, etcd has %d", wv.FullName(), gv.Number(), wv.Number()))
			}
		}
	}
}

func diffReserved(d *[]string, g, w protoreflect.MessageDescriptor) {
	if fmt.Sprint(rangesOf(g.ReservedRanges())) != fmt.Sprint(rangesOf(w.ReservedRanges())) {
		*d = append(*d, fmt.Sprintf("message %s: reserved numbers %v, etcd has %v", w.FullName(), rangesOf(g.ReservedRanges()), rangesOf(w.ReservedRanges())))
	}
	var gn, wn []string
	for i := 0; i < g.ReservedNames().Len(); i++ {
		gn = append(gn, string(g.ReservedNames().Get(i)))
	}
	for i := 0; i < w.ReservedNames().Len(); i++ {
		wn = append(wn, string(w.ReservedNames().Get(i)))
	}
	diffNames(d, string(w.FullName())+" reserved names", gn, wn)
}

func rangesOf(r protoreflect.FieldRanges) [][2]protoreflect.FieldNumber {
	var out [][2]protoreflect.FieldNumber
	for i := 0; i < r.Len(); i++ {
		out = append(out, r.Get(i))
	}
	return out
}

type descList[T protoreflect.Descriptor] interface {
	Len() int
	Get(int) T
}

func names[T protoreflect.Descriptor](l descList[T]) []string {
	out := make([]string, 0, l.Len())
	for i := 0; i < l.Len(); i++ {
		out = append(out, string(l.Get(i).Name()))
	}
	return out
}

func fullName(d protoreflect.Descriptor) string {
	if d == nil {
		return "<none>"
	}
	return string(d.FullName())
}

// diffNames reports names present on one side only (order is not wire).
func diffNames(d *[]string, what string, got, want []string) {
	g, w := map[string]bool{}, map[string]bool{}
	for _, n := range got {
		g[n] = true
	}
	for _, n := range want {
		w[n] = true
	}
	var missing, extra []string
	for n := range w {
		if !g[n] {
			missing = append(missing, n)
		}
	}
	for n := range g {
		if !w[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		*d = append(*d, fmt.Sprintf("%s: missing here: %s", what, strings.Join(missing, ", ")))
	}
	if len(extra) > 0 {
		*d = append(*d, fmt.Sprintf("%s: not in etcd: %s", what, strings.Join(extra, ", ")))
	}
}

// ourMessages lists every message type our API files declare, nested ones
// included, map entries excluded.
func ourMessages(t *testing.T) []protoreflect.MessageType {
	t.Helper()
	var out []protoreflect.MessageType
	var walk func(protoreflect.MessageDescriptors)
	walk = func(ms protoreflect.MessageDescriptors) {
		for i := 0; i < ms.Len(); i++ {
			md := ms.Get(i)
			if md.IsMapEntry() {
				continue
			}
			mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
			if err != nil {
				t.Fatalf("%s: %v", md.FullName(), err)
			}
			out = append(out, mt)
			walk(md.Messages())
		}
	}
	for _, path := range etcdFiles {
		fd, err := protoregistry.GlobalFiles.FindFileByPath(path)
		if err != nil {
			t.Fatal(err)
		}
		walk(fd.Messages())
	}
	return out
}

// TestRoundTripThroughEtcd fills every field of every message of ours
// (one instance per oneof choice), has etcd's generated code parse and
// re-encode it, and checks nothing was unknown to etcd and nothing changed.
func TestRoundTripThroughEtcd(t *testing.T) {
	type sample struct {
		name string
		msg  proto.Message
	}
	var samples []sample
	for _, mt := range ourMessages(t) {
		for variant := 0; variant < variants(mt.Descriptor()); variant++ {
			m := mt.New()
			fill(m, variant, 0)
			samples = append(samples, sample{string(mt.Descriptor().FullName()), m.Interface()})
		}
	}
	var in bytes.Buffer
	for _, s := range samples {
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(s.msg)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		writeFrame(&in, []byte(s.name))
		writeFrame(&in, b)
	}
	out := bufio.NewReader(bytes.NewReader(etcdDesc(t, "roundtrip", in.Bytes())))
	for _, s := range samples {
		b, err := readFrame(out)
		if err != nil {
			t.Fatalf("%s: reading etcd's answer: %v", s.name, err)
		}
		back := s.msg.ProtoReflect().Type().New().Interface()
		if err := proto.Unmarshal(b, back); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !proto.Equal(s.msg, back) {
			t.Errorf("%s changed on its way through etcd", s.name)
		}
	}
	if len(samples) < 140 {
		t.Fatalf("only %d samples: the walk missed messages", len(samples))
	}
}
