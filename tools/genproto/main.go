package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bufbuild/protocompile"
	_ "google.golang.org/genproto/googleapis/api/annotations" // registers google/api/*.proto
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

// modulePath is the Go module the generated files belong to.
const modulePath = "github.com/etcdgo/etcd/api/v3"

// plugin is one protoc plugin run over a set of files.
type plugin struct {
	tool  string   // name given to `go tool`
	param string   // CodeGeneratorRequest.parameter
	files []string // proto file names to generate; nil means all
	// relocate, when set, rewrites a generated file's name and content.
	relocate func(name, content string) (string, string)
}

// gatewayFiles are the files with HTTP annotations.
var gatewayFiles = []string{"rpc.proto", "v3lock.proto", "v3election.proto"}

func plugins() []plugin {
	mod := "module=" + modulePath
	return []plugin{
		{tool: "protoc-gen-go", param: mod},
		{tool: "protoc-gen-go-grpc", param: mod, files: []string{"rpc.proto", "v3lock.proto", "v3election.proto"}},
		{tool: "protoc-gen-go-vtproto", param: mod + ",features=marshal+unmarshal+size+clone+equal"},
		{tool: "protoc-gen-grpc-gateway", param: mod + ",standalone=true", files: gatewayFiles, relocate: toGatewayPackage},
	}
}

// toGatewayPackage moves a standalone reverse proxy into a gw package
// beside its messages, as etcd lays it out, so that the client never links
// grpc-gateway.
func toGatewayPackage(name, content string) (string, string) {
	dir, file := filepath.Split(name)
	pkg := filepath.Base(dir)
	content = strings.Replace(content, "\npackage "+pkg+"\n", "\npackage gw\n", 1)
	return filepath.Join(dir, "gw", file), content
}

func main() {
	root := flag.String("root", "api", "directory holding the api module")
	flag.Parse()
	if err := run(context.Background(), *root); err != nil {
		fmt.Fprintln(os.Stderr, "genproto:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, root string) error {
	sources, err := findSources(root)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(sources))
	for n := range sources {
		names = append(names, n)
	}
	sort.Strings(names)

	comp := protocompile.Compiler{
		Resolver:       resolver(sources),
		SourceInfoMode: protocompile.SourceInfoStandard,
	}
	compiled, err := comp.Compile(ctx, names...)
	if err != nil {
		return fmt.Errorf("compile: %w", err)
	}
	ordered := topoSort(compiled)
	if err := removeGenerated(root); err != nil {
		return err
	}
	for _, p := range plugins() {
		toGen := p.files
		if toGen == nil {
			toGen = names
		}
		if err := runPlugin(ctx, root, p, toGen, ordered); err != nil {
			return fmt.Errorf("%s: %w", p.tool, err)
		}
	}
	return nil
}

// removeGenerated deletes every previously generated file below root, so
// that a proto file or message that is gone leaves nothing stale behind.
func removeGenerated(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".pb.go") || strings.HasSuffix(path, ".pb.gw.go") {
			return os.Remove(path)
		}
		return nil
	})
}

// findSources maps each proto file name (its base name, which is the
// name etcd registers it under) to its path below root.
func findSources(root string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".proto") {
			return nil
		}
		base := filepath.Base(path)
		if prev, dup := out[base]; dup {
			return fmt.Errorf("two proto files named %s: %s and %s", base, prev, path)
		}
		out[base] = path
		return nil
	})
	return out, err
}

func resolver(sources map[string]string) protocompile.Resolver {
	return protocompile.ResolverFunc(func(name string) (protocompile.SearchResult, error) {
		if path, ok := sources[name]; ok {
			data, err := os.ReadFile(path)
			if err != nil {
				return protocompile.SearchResult{}, err
			}
			return protocompile.SearchResult{Source: bytes.NewReader(data)}, nil
		}
		if name == "google/protobuf/descriptor.proto" {
			return protocompile.SearchResult{Desc: descriptorpb.File_google_protobuf_descriptor_proto}, nil
		}
		fd, err := protoregistry.GlobalFiles.FindFileByPath(name)
		if err != nil {
			return protocompile.SearchResult{}, fmt.Errorf("import %q: %w", name, err)
		}
		return protocompile.SearchResult{Desc: fd}, nil
	})
}

// topoSort returns every file reachable from files, dependencies first, as
// CodeGeneratorRequest.proto_file requires.
func topoSort[F protoreflect.FileDescriptor](files []F) []*descriptorpb.FileDescriptorProto {
	var out []*descriptorpb.FileDescriptorProto
	seen := map[string]bool{}
	var visit func(fd protoreflect.FileDescriptor)
	visit = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := 0; i < imports.Len(); i++ {
			visit(imports.Get(i).FileDescriptor)
		}
		out = append(out, protodesc.ToFileDescriptorProto(fd))
	}
	for _, f := range files {
		visit(f)
	}
	return out
}

func runPlugin(ctx context.Context, root string, p plugin, toGen []string, files []*descriptorpb.FileDescriptorProto) error {
	req := &pluginpb.CodeGeneratorRequest{
		FileToGenerate: toGen,
		Parameter:      proto.String(p.param),
		ProtoFile:      files,
	}
	in, err := proto.Marshal(req)
	if err != nil {
		return err
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "tool", p.tool)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, stderr.String())
	}
	var resp pluginpb.CodeGeneratorResponse
	if err := proto.Unmarshal(stdout.Bytes(), &resp); err != nil {
		return err
	}
	if resp.Error != nil {
		return errors.New(resp.GetError())
	}
	for _, f := range resp.File {
		if f.GetInsertionPoint() != "" {
			return fmt.Errorf("insertion points are not supported (%s)", f.GetName())
		}
		name, content := f.GetName(), f.GetContent()
		if p.relocate != nil {
			name, content = p.relocate(name, content)
		}
		out := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}
