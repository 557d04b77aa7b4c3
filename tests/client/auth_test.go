package client

import (
	"testing"
	"time"

	"github.com/etcdgo/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "github.com/etcdgo/etcd/client/v3"
	"github.com/etcdgo/etcd/tests/v3/framework/refetcd"
)

// TestAuth manages users and roles, checks permissions, and checks that a
// client with a username and password renews its token when it expires.
func TestAuth(t *testing.T) {
	forEachServer(t, testAuth)
}

func testAuth(t *testing.T, srv *server) {
	srv.requires(t, refetcd.Auth)
	// simple tokens that expire after a second
	c := srv.own(t, TargetOptions{Size: 1, ExtraFlags: []string{"--auth-token=simple", "--auth-token-ttl=1"}})
	eps := c.Endpoints()
	admin := newClient(t, clientv3.Config{Endpoints: eps})
	ctx := testCtx(t)

	steps := []struct {
		name string
		do   func() error
	}{
		{"add root", func() error { _, err := admin.UserAdd(ctx, "root", "rootpw"); return err }},
		{"grant root", func() error { _, err := admin.UserGrantRole(ctx, "root", "root"); return err }},
		{"add role", func() error { _, err := admin.RoleAdd(ctx, "app"); return err }},
		{"grant perm", func() error {
			_, err := admin.RoleGrantPermission(ctx, "app", "/app/", clientv3.GetPrefixRangeEnd("/app/"), clientv3.PermissionType(clientv3.PermReadWrite))
			return err
		}},
		{"add user", func() error { _, err := admin.UserAdd(ctx, "alice", "alicepw"); return err }},
		{"grant user", func() error { _, err := admin.UserGrantRole(ctx, "alice", "app"); return err }},
		{"enable", func() error { _, err := admin.AuthEnable(ctx); return err }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}

	if _, err := admin.Put(ctx, "/app/x", "v"); err != rpctypes.ErrUserEmpty {
		t.Fatalf("put without credentials: %v, want ErrUserEmpty", err)
	}
	if _, err := clientv3.New(clientv3.Config{Endpoints: eps, Username: "alice", Password: "wrong", DialTimeout: 5 * time.Second}); err != rpctypes.ErrAuthFailed {
		t.Fatalf("bad password: %v, want ErrAuthFailed", err)
	}

	alice := newClient(t, clientv3.Config{Endpoints: eps, Username: "alice", Password: "alicepw"})
	if _, err := alice.Put(ctx, "/app/x", "v"); err != nil {
		t.Fatalf("alice put: %v", err)
	}
	if _, err := alice.Put(ctx, "/other", "v"); err != rpctypes.ErrPermissionDenied {
		t.Fatalf("alice put outside her range: %v, want ErrPermissionDenied", err)
	}
	wch := alice.Watch(ctx, "/app/", clientv3.WithPrefix())

	// let the token expire; the next calls must renew it transparently
	time.Sleep(3 * time.Second)
	if _, err := alice.Put(ctx, "/app/y", "v"); err != nil {
		t.Fatalf("put after token expiry: %v", err)
	}
	if resp, err := alice.Get(ctx, "/app/", clientv3.WithPrefix()); err != nil || len(resp.Kvs) != 2 {
		t.Fatalf("get after token expiry: %v, %v", resp, err)
	}
	if evs := nextEvents(t, wch, 1); string(evs[0].Kv.Key) != "/app/y" {
		t.Fatalf("watch event %v", evs[0])
	}

	root := newClient(t, clientv3.Config{Endpoints: eps, Username: "root", Password: "rootpw"})
	checks := []struct {
		name string
		do   func() error
	}{
		{"status", func() error {
			r, err := root.AuthStatus(ctx)
			if err == nil && !r.Enabled {
				t.Error("auth not enabled")
			}
			return err
		}},
		{"user get", func() error {
			r, err := root.UserGet(ctx, "alice")
			if err == nil && (len(r.Roles) != 1 || r.Roles[0] != "app") {
				t.Errorf("alice roles %v", r.Roles)
			}
			return err
		}},
		{"user list", func() error { _, err := root.UserList(ctx); return err }},
		{"role get", func() error {
			r, err := root.RoleGet(ctx, "app")
			if err == nil && len(r.Perm) != 1 {
				t.Errorf("app perms %v", r.Perm)
			}
			return err
		}},
		{"role list", func() error { _, err := root.RoleList(ctx); return err }},
		{"change password", func() error { _, err := root.UserChangePassword(ctx, "alice", "newpw"); return err }},
		{"revoke perm", func() error {
			_, err := root.RoleRevokePermission(ctx, "app", "/app/", clientv3.GetPrefixRangeEnd("/app/"))
			return err
		}},
		{"revoke role", func() error { _, err := root.UserRevokeRole(ctx, "alice", "app"); return err }},
		{"user delete", func() error { _, err := root.UserDelete(ctx, "alice"); return err }},
		{"role delete", func() error { _, err := root.RoleDelete(ctx, "app"); return err }},
		{"missing role", func() error {
			if _, err := root.RoleGet(ctx, "app"); err != rpctypes.ErrRoleNotFound {
				t.Errorf("role get after delete: %v", err)
			}
			return nil
		}},
		{"disable", func() error { _, err := root.AuthDisable(ctx); return err }},
	}
	for _, c := range checks {
		if err := c.do(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
	if _, err := admin.Put(ctx, "/app/z", "v"); err != nil {
		t.Fatalf("put after auth disable: %v", err)
	}
}
