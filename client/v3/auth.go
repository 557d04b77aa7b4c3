package clientv3

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc"

	"github.com/etcdgo/etcd/api/v3/authpb"
	pb "github.com/etcdgo/etcd/api/v3/etcdserverpb"
)

type (
	AuthEnableResponse               pb.AuthEnableResponse
	AuthDisableResponse              pb.AuthDisableResponse
	AuthStatusResponse               pb.AuthStatusResponse
	AuthenticateResponse             pb.AuthenticateResponse
	AuthUserAddResponse              pb.AuthUserAddResponse
	AuthUserDeleteResponse           pb.AuthUserDeleteResponse
	AuthUserChangePasswordResponse   pb.AuthUserChangePasswordResponse
	AuthUserGrantRoleResponse        pb.AuthUserGrantRoleResponse
	AuthUserGetResponse              pb.AuthUserGetResponse
	AuthUserRevokeRoleResponse       pb.AuthUserRevokeRoleResponse
	AuthRoleAddResponse              pb.AuthRoleAddResponse
	AuthRoleGrantPermissionResponse  pb.AuthRoleGrantPermissionResponse
	AuthRoleGetResponse              pb.AuthRoleGetResponse
	AuthRoleRevokePermissionResponse pb.AuthRoleRevokePermissionResponse
	AuthRoleDeleteResponse           pb.AuthRoleDeleteResponse
	AuthUserListResponse             pb.AuthUserListResponse
	AuthRoleListResponse             pb.AuthRoleListResponse

	PermissionType authpb.Permission_Type
	Permission     authpb.Permission
)

const (
	PermRead      = authpb.Permission_READ
	PermWrite     = authpb.Permission_WRITE
	PermReadWrite = authpb.Permission_READWRITE
)

// UserAddOptions are the options of a new user.
type UserAddOptions authpb.UserAddOptions

// Auth is the authentication API.
type Auth interface {
	// Authenticate login and get token
	Authenticate(ctx context.Context, name string, password string) (*AuthenticateResponse, error)

	// AuthEnable enables auth of an etcd cluster.
	AuthEnable(ctx context.Context) (*AuthEnableResponse, error)

	// AuthDisable disables auth of an etcd cluster.
	AuthDisable(ctx context.Context) (*AuthDisableResponse, error)

	// AuthStatus returns the status of auth of an etcd cluster.
	AuthStatus(ctx context.Context) (*AuthStatusResponse, error)

	// UserAdd adds a new user to an etcd cluster.
	UserAdd(ctx context.Context, name string, password string) (*AuthUserAddResponse, error)

	// UserAddWithOptions adds a new user to an etcd cluster with some options.
	UserAddWithOptions(ctx context.Context, name string, password string, opt *UserAddOptions) (*AuthUserAddResponse, error)

	// UserDelete deletes a user from an etcd cluster.
	UserDelete(ctx context.Context, name string) (*AuthUserDeleteResponse, error)

	// UserChangePassword changes a password of a user.
	UserChangePassword(ctx context.Context, name string, password string) (*AuthUserChangePasswordResponse, error)

	// UserGrantRole grants a role to a user.
	UserGrantRole(ctx context.Context, user string, role string) (*AuthUserGrantRoleResponse, error)

	// UserGet gets a detailed information of a user.
	UserGet(ctx context.Context, name string) (*AuthUserGetResponse, error)

	// UserList gets a list of all users.
	UserList(ctx context.Context) (*AuthUserListResponse, error)

	// UserRevokeRole revokes a role of a user.
	UserRevokeRole(ctx context.Context, name string, role string) (*AuthUserRevokeRoleResponse, error)

	// RoleAdd adds a new role to an etcd cluster.
	RoleAdd(ctx context.Context, name string) (*AuthRoleAddResponse, error)

	// RoleGrantPermission grants a permission to a role.
	RoleGrantPermission(ctx context.Context, name string, key, rangeEnd string, permType PermissionType) (*AuthRoleGrantPermissionResponse, error)

	// RoleGet gets a detailed information of a role.
	RoleGet(ctx context.Context, role string) (*AuthRoleGetResponse, error)

	// RoleList gets a list of all roles.
	RoleList(ctx context.Context) (*AuthRoleListResponse, error)

	// RoleRevokePermission revokes a permission from a role.
	RoleRevokePermission(ctx context.Context, role string, key, rangeEnd string) (*AuthRoleRevokePermissionResponse, error)

	// RoleDelete deletes a role.
	RoleDelete(ctx context.Context, role string) (*AuthRoleDeleteResponse, error)
}

type authClient struct {
	remote   pb.AuthClient
	callOpts []grpc.CallOption
}

// NewAuth returns the Auth API of a client.
func NewAuth(c *Client) Auth {
	api := &authClient{remote: RetryAuthClient(c)}
	if c != nil {
		api.callOpts = c.callOpts
	}
	return api
}

// NewAuthFromAuthClient returns an Auth over a given gRPC client.
func NewAuthFromAuthClient(remote pb.AuthClient, c *Client) Auth {
	api := &authClient{remote: remote}
	if c != nil {
		api.callOpts = c.callOpts
	}
	return api
}

func (a *authClient) Authenticate(ctx context.Context, name string, password string) (*AuthenticateResponse, error) {
	resp, err := a.remote.Authenticate(ctx, &pb.AuthenticateRequest{Name: name, Password: password}, a.callOpts...)
	return (*AuthenticateResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) AuthEnable(ctx context.Context) (*AuthEnableResponse, error) {
	resp, err := a.remote.AuthEnable(ctx, &pb.AuthEnableRequest{}, a.callOpts...)
	return (*AuthEnableResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) AuthDisable(ctx context.Context) (*AuthDisableResponse, error) {
	resp, err := a.remote.AuthDisable(ctx, &pb.AuthDisableRequest{}, a.callOpts...)
	return (*AuthDisableResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) AuthStatus(ctx context.Context) (*AuthStatusResponse, error) {
	resp, err := a.remote.AuthStatus(ctx, &pb.AuthStatusRequest{}, a.callOpts...)
	return (*AuthStatusResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) UserAdd(ctx context.Context, name string, password string) (*AuthUserAddResponse, error) {
	return a.UserAddWithOptions(ctx, name, password, &UserAddOptions{NoPassword: false})
}

func (a *authClient) UserAddWithOptions(ctx context.Context, name string, password string, opt *UserAddOptions) (*AuthUserAddResponse, error) {
	req := &pb.AuthUserAddRequest{Name: name, Password: password, Options: (*authpb.UserAddOptions)(opt)}
	resp, err := a.remote.UserAdd(ctx, req, a.callOpts...)
	return (*AuthUserAddResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) UserDelete(ctx context.Context, name string) (*AuthUserDeleteResponse, error) {
	resp, err := a.remote.UserDelete(ctx, &pb.AuthUserDeleteRequest{Name: name}, a.callOpts...)
	return (*AuthUserDeleteResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) UserChangePassword(ctx context.Context, name string, password string) (*AuthUserChangePasswordResponse, error) {
	resp, err := a.remote.UserChangePassword(ctx, &pb.AuthUserChangePasswordRequest{Name: name, Password: password}, a.callOpts...)
	return (*AuthUserChangePasswordResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) UserGrantRole(ctx context.Context, user string, role string) (*AuthUserGrantRoleResponse, error) {
	resp, err := a.remote.UserGrantRole(ctx, &pb.AuthUserGrantRoleRequest{User: user, Role: role}, a.callOpts...)
	return (*AuthUserGrantRoleResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) UserGet(ctx context.Context, name string) (*AuthUserGetResponse, error) {
	resp, err := a.remote.UserGet(ctx, &pb.AuthUserGetRequest{Name: name}, a.callOpts...)
	return (*AuthUserGetResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) UserList(ctx context.Context) (*AuthUserListResponse, error) {
	resp, err := a.remote.UserList(ctx, &pb.AuthUserListRequest{}, a.callOpts...)
	return (*AuthUserListResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) UserRevokeRole(ctx context.Context, name string, role string) (*AuthUserRevokeRoleResponse, error) {
	resp, err := a.remote.UserRevokeRole(ctx, &pb.AuthUserRevokeRoleRequest{Name: name, Role: role}, a.callOpts...)
	return (*AuthUserRevokeRoleResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) RoleAdd(ctx context.Context, name string) (*AuthRoleAddResponse, error) {
	resp, err := a.remote.RoleAdd(ctx, &pb.AuthRoleAddRequest{Name: name}, a.callOpts...)
	return (*AuthRoleAddResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) RoleGrantPermission(ctx context.Context, name string, key, rangeEnd string, permType PermissionType) (*AuthRoleGrantPermissionResponse, error) {
	perm := &authpb.Permission{Key: []byte(key), RangeEnd: []byte(rangeEnd), PermType: authpb.Permission_Type(permType)}
	resp, err := a.remote.RoleGrantPermission(ctx, &pb.AuthRoleGrantPermissionRequest{Name: name, Perm: perm}, a.callOpts...)
	return (*AuthRoleGrantPermissionResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) RoleGet(ctx context.Context, role string) (*AuthRoleGetResponse, error) {
	resp, err := a.remote.RoleGet(ctx, &pb.AuthRoleGetRequest{Role: role}, a.callOpts...)
	return (*AuthRoleGetResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) RoleList(ctx context.Context) (*AuthRoleListResponse, error) {
	resp, err := a.remote.RoleList(ctx, &pb.AuthRoleListRequest{}, a.callOpts...)
	return (*AuthRoleListResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) RoleRevokePermission(ctx context.Context, role string, key, rangeEnd string) (*AuthRoleRevokePermissionResponse, error) {
	req := &pb.AuthRoleRevokePermissionRequest{Role: role, Key: []byte(key), RangeEnd: []byte(rangeEnd)}
	resp, err := a.remote.RoleRevokePermission(ctx, req, a.callOpts...)
	return (*AuthRoleRevokePermissionResponse)(resp), ContextError(ctx, err)
}

func (a *authClient) RoleDelete(ctx context.Context, role string) (*AuthRoleDeleteResponse, error) {
	resp, err := a.remote.RoleDelete(ctx, &pb.AuthRoleDeleteRequest{Role: role}, a.callOpts...)
	return (*AuthRoleDeleteResponse)(resp), ContextError(ctx, err)
}

// StrToPermissionType parses a permission type (READ, WRITE, READWRITE;
// any case).
func StrToPermissionType(s string) (PermissionType, error) {
	if v, ok := authpb.Permission_Type_value[strings.ToUpper(s)]; ok {
		return PermissionType(v), nil
	}
	return PermissionType(-1), fmt.Errorf("invalid permission type: %s", s)
}
