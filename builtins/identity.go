package builtins

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.starlark.net/starlark"

	"glrun/glapi"
)

// User preference limits (see docs/api.md).
var userLanguages = []string{"en", "de", "es"}

const maxIdleTimeout = 1<<31 - 1

// emailRE is the shape an invitation address must have: one @, no spaces,
// a dot in the domain.
// It is compiled on first use, not at the start of every command.
var emailRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`) })

// usersFind is identity.users.find(username): the user, or None.
func usersFind() impl {
	return findImpl("username", StringArg{What: "a username (email address) string", NonEmpty: true},
		func(ctx context.Context, _ *Env, c *glapi.Client, username string) (glapi.Object, error) {
			return c.Users.Find(ctx, username)
		})
}

// usersInvite is identity.users.invite(email, send_welcome_email=True): a
// record with the API's message and the invited user's location.
func usersInvite(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	email := StringArg{What: "an email address string such as \"ops@example.com\""}
	var welcome BoolArg
	if err := a.Unpack("email", &email); err != nil {
		return nil, err
	}
	if !emailRE().MatchString(email.Value) {
		return nil, a.Error("email", email.What)
	}
	if err := a.Unpack("send_welcome_email", &welcome); err != nil {
		return nil, err
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	res, err := c.Users.InviteChecked(ctx, email.Value, welcome.Value)
	if err != nil {
		return nil, apiError(a.Fn(), err)
	}
	return ToStarlark(map[string]any{"message": res.Message, "location": res.Location}), nil
}

// usersUpdate is identity.users.update(id, language=None, idle_timeout=None):
// a record with the API's message.
func usersUpdate(ctx context.Context, env *Env, a *Args) (starlark.Value, error) {
	id := IDArg{What: "user"}
	lang := StringArg{What: "one of " + strings.Join(quoteAll(userLanguages), ", ")}
	idle := IntArg{Min: 1, Max: maxIdleTimeout}
	if err := a.Unpack("id", &id, "language", &lang); err != nil {
		return nil, err
	}
	hasLang, hasIdle := a.Has("language"), a.Has("idle_timeout")
	if hasLang && !slices.Contains(userLanguages, lang.Value) {
		return nil, a.Error("language", lang.What)
	}
	if err := a.Unpack("idle_timeout", &idle); err != nil {
		return nil, err
	}
	if !hasLang && !hasIdle {
		return nil, &ArgError{Fn: a.Fn(), Param: "language",
			Want: "at least one of language= or idle_timeout= (seconds)", Got: "neither"}
	}
	var u glapi.UserUpdate
	if hasLang {
		u.Language = &lang.Value
	}
	if hasIdle {
		u.IdleTimeout = &idle.Value
	}
	c, err := apiClient(env, a.Fn())
	if err != nil {
		return nil, err
	}
	msg, err := c.Users.Update(ctx, id.ID, u)
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
