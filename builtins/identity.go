package builtins

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"glrun/glapi"
)

// User preference limits (docs/api.md, "Users").
var userLanguages = []string{"en", "de", "es"}

const maxIdleTimeout = 1<<31 - 1

// emailRE is the shape an invitation address must have: one @, no spaces,
// a dot in the domain.
var emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`)

// identityModule returns the identity module: identity.users.
func identityModule(env *Env) *starlarkstruct.Module {
	return newModule("identity", starlark.StringDict{
		"users": newModule("identity.users", starlark.StringDict{
			"list": listBuiltin(env, "identity.users.list",
				func(c *glapi.Client) lister { return c.Users.ListFunc }),
			"get": getBuiltin(env, "identity.users.get", "user",
				func(c *glapi.Client) getter { return c.Users.Get }),
			"find":   apiBuiltin(env, "identity.users.find", []string{"username"}, usersFind),
			"invite": apiBuiltin(env, "identity.users.invite", []string{"email", "send_welcome_email?"}, usersInvite),
			"update": apiBuiltin(env, "identity.users.update", []string{"id", "language?", "idle_timeout?"}, usersUpdate),
			"delete": deleteBuiltin(env, "identity.users.delete", "user",
				func(c *glapi.Client) deleter { return c.Users.Delete }),
		}),
	})
}

// usersFind is identity.users.find(username): the user, or None.
func usersFind(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	username, err := a.NonEmptyString("username", "a username (email address) string")
	if err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	u, err := c.Users.Find(ctx, username)
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	if u == nil {
		return starlark.None, nil
	}
	return ToStarlark(u), nil
}

// usersInvite is identity.users.invite(email, send_welcome_email=True): a
// record with the API's message and the invited user's location.
func usersInvite(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	const want = "an email address string such as \"ops@example.com\""
	email, err := a.String("email", want)
	if err != nil {
		return nil, err
	}
	if !emailRE.MatchString(email) {
		return nil, a.Error("email", want)
	}
	welcome, err := a.Bool("send_welcome_email", true)
	if err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	res, err := c.Users.InviteChecked(ctx, email, welcome)
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	return ToStarlark(map[string]any{"message": res.Message, "location": res.Location}), nil
}

// usersUpdate is identity.users.update(id, language=None, idle_timeout=None):
// a record with the API's message.
func usersUpdate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	id, err := a.ID("id", "user")
	if err != nil {
		return nil, err
	}
	langWant := "one of " + strings.Join(quoteAll(userLanguages), ", ")
	lang, hasLang, err := a.OptString("language", langWant)
	if err != nil {
		return nil, err
	}
	if hasLang && !slices.Contains(userLanguages, lang) {
		return nil, a.Error("language", langWant)
	}
	idle, hasIdle, err := a.OptInt("idle_timeout", 1, maxIdleTimeout)
	if err != nil {
		return nil, err
	}
	if !hasLang && !hasIdle {
		return nil, &ArgError{Fn: a.Fn(), Param: "language",
			Want: "at least one of language= or idle_timeout= (seconds)", Got: "neither"}
	}
	var u glapi.UserUpdate
	if hasLang {
		u.Language = &lang
	}
	if hasIdle {
		u.IdleTimeout = &idle
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	msg, err := c.Users.Update(ctx, id, u)
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	return ToStarlark(map[string]any{"message": msg}), nil
}

// quoteAll returns each string in double quotes.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + s + `"`
	}
	return out
}
