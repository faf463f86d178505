package runtime

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// The operations whose result can dwarf their operands, and which
// go.starlark.net performs in one step without any hook: repetition
// ([0] * 2**28 is 4 GiB at once), str.join (sixteen references to one
// 256 MiB string join to 4 GiB), str.replace (a megabyte of "a" with each
// "a" replaced by ten kilobytes is ten gigabytes), and formatting with %
// and str.format (the repr of shared lists, see repr.go). One step cannot
// be interrupted, and while it copies gigabytes even the memory watchdog
// may not get to run. So the runtime compiles them as calls of builtins
// that check the size first:
//
//	x * y       -> (*)(x, y)            and x % y likewise
//	x *= y      -> x = (*)(x, y)        (x a name, x[i] or x.f: see reread)
//	s.join(xs)  -> (join)(s, xs)        and s.format, s.replace likewise
//
// The names cannot be written in a runbook, so they never collide with its
// own. Positions stay those of the operator and of the call's parenthesis,
// so errors point where they did.
const (
	repeatName  = "(*)"
	percentName = "(%)"
	joinName    = "(join)"
	formatName  = "(format)"
	replaceName = "(replace)"
)

// operatorNames maps the operators guardSizes rewrites to the names of
// their guards.
var operatorNames = map[syntax.Token]string{syntax.STAR: repeatName, syntax.PERCENT: percentName}

// methodNames maps the string methods guardSizes rewrites to the names of
// their guards.
var methodNames = map[string]string{"join": joinName, "format": formatName, "replace": replaceName}

// augmented maps the augmented assignments guardSizes rewrites to their
// operators.
var augmented = map[syntax.Token]syntax.Token{syntax.STAR_EQ: syntax.STAR, syntax.PERCENT_EQ: syntax.PERCENT}

// guardSizes rewrites the repetitions, formatting, joins and replaces of f
// as described above.
func guardSizes(f *syntax.File) {
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ExprStmt:
			guard(&n.X)
		case *syntax.IfStmt:
			guard(&n.Cond)
		case *syntax.AssignStmt:
			guard(&n.RHS)
			if name, ok := operatorNames[augmented[n.Op]]; ok {
				if self, ok := reread(n.LHS); ok {
					n.Op = syntax.EQ
					n.RHS = guardCall(name, self, n.RHS, n.OpPos)
				}
			}
		case *syntax.DefStmt:
			for i := range n.Params {
				guard(&n.Params[i])
			}
		case *syntax.ForStmt:
			guard(&n.X)
		case *syntax.WhileStmt:
			guard(&n.Cond)
		case *syntax.ReturnStmt:
			if n.Result != nil {
				guard(&n.Result)
			}
		case *syntax.ListExpr:
			for i := range n.List {
				guard(&n.List[i])
			}
		case *syntax.TupleExpr:
			for i := range n.List {
				guard(&n.List[i])
			}
		case *syntax.ParenExpr:
			guard(&n.X)
		case *syntax.CondExpr:
			guard(&n.Cond)
			guard(&n.True)
			guard(&n.False)
		case *syntax.IndexExpr:
			guard(&n.X)
			guard(&n.Y)
		case *syntax.DictEntry:
			guard(&n.Key)
			guard(&n.Value)
		case *syntax.SliceExpr:
			for _, e := range []*syntax.Expr{&n.X, &n.Lo, &n.Hi, &n.Step} {
				if *e != nil {
					guard(e)
				}
			}
		case *syntax.Comprehension:
			guard(&n.Body)
		case *syntax.IfClause:
			guard(&n.Cond)
		case *syntax.ForClause:
			guard(&n.X)
		case *syntax.UnaryExpr:
			if n.X != nil {
				guard(&n.X)
			}
		case *syntax.BinaryExpr:
			guard(&n.X)
			guard(&n.Y)
		case *syntax.CallExpr:
			guard(&n.Fn)
			for i := range n.Args {
				guard(&n.Args[i])
			}
		case *syntax.DotExpr:
			guard(&n.X)
		case *syntax.LambdaExpr:
			for i := range n.Params {
				guard(&n.Params[i])
			}
			guard(&n.Body)
		}
		return true
	})
}

// guard replaces *e when it is a repetition or a join (its operands are
// rewritten when the walk reaches them).
func guard(e *syntax.Expr) {
	switch x := (*e).(type) {
	case *syntax.BinaryExpr:
		if name, ok := operatorNames[x.Op]; ok {
			*e = guardCall(name, x.X, x.Y, x.OpPos)
		}
	case *syntax.CallExpr:
		dot, ok := x.Fn.(*syntax.DotExpr)
		if !ok {
			return
		}
		if name, ok := methodNames[dot.Name.Name]; ok {
			*e = &syntax.CallExpr{
				Fn:     &syntax.Ident{NamePos: dot.Dot, Name: name},
				Lparen: x.Lparen,
				Args:   append([]syntax.Expr{dot.X}, x.Args...),
				Rparen: x.Rparen,
			}
		}
	}
}

// reread returns a copy of the target of an augmented assignment, to read
// it as an operand, when reading it twice has no effect: a name, or an
// index or attribute of a name by a name or a literal (x, x[i], x["k"],
// x.f). Other targets (x[f()] *= n) are left as written, unchecked.
func reread(lhs syntax.Expr) (syntax.Expr, bool) {
	simple := func(e syntax.Expr) (syntax.Expr, bool) {
		switch e := e.(type) {
		case *syntax.Ident:
			return &syntax.Ident{NamePos: e.NamePos, Name: e.Name}, true
		case *syntax.Literal:
			c := *e
			return &c, true
		}
		return nil, false
	}
	switch e := lhs.(type) {
	case *syntax.IndexExpr:
		x, ok1 := simple(e.X)
		y, ok2 := simple(e.Y)
		if ok1 && ok2 {
			return &syntax.IndexExpr{X: x, Lbrack: e.Lbrack, Y: y, Rbrack: e.Rbrack}, true
		}
		return nil, false
	case *syntax.DotExpr:
		if x, ok := simple(e.X); ok {
			return &syntax.DotExpr{X: x, Dot: e.Dot, NamePos: e.NamePos, Name: &syntax.Ident{NamePos: e.Name.NamePos, Name: e.Name.Name}}, true
		}
		return nil, false
	}
	return simple(lhs)
}

// guardCall is name(x, y) at the operator's position.
func guardCall(name string, x, y syntax.Expr, pos syntax.Position) *syntax.CallExpr {
	_, end := y.Span()
	return &syntax.CallExpr{
		Fn:     &syntax.Ident{NamePos: pos, Name: name},
		Lparen: pos,
		Args:   []syntax.Expr{x, y},
		Rparen: end,
	}
}

// sizeGuards returns the builtins the rewritten code calls and the
// replacements of universal functions (boundedUniverse, textGuards): every
// name the runtime predeclares besides Options.Predeclared.
func sizeGuards() starlark.StringDict {
	out := starlark.StringDict{
		repeatName:  starlark.NewBuiltin("*", repeatBuiltin),
		percentName: starlark.NewBuiltin("%", percentBuiltin),
		joinName:    starlark.NewBuiltin("join", joinBuiltin),
		formatName:  starlark.NewBuiltin("format", formatBuiltin),
		replaceName: starlark.NewBuiltin("replace", replaceBuiltin),
	}
	for _, d := range []starlark.StringDict{boundedUniverse(), textGuards()} {
		for name, v := range d {
			out[name] = v
		}
	}
	return out
}

// isGuard reports whether name is one of the names sizeGuards defines.
func isGuard(name string) bool {
	switch name {
	case repeatName, percentName, joinName, formatName, replaceName:
		return true
	}
	for _, n := range append(append([]string{}, boundedNames...), textNames...) {
		if n == name {
			return true
		}
	}
	return false
}

// repeatBuiltin is x * y, refused before it allocates when it repeats a
// string, bytes, list or tuple past the thread's allocation budget.
func repeatBuiltin(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	x, y := args[0], args[1]
	seq, count := x, y
	if _, ok := x.(starlark.Int); ok {
		seq, count = y, x
	}
	if n, ok := count.(starlark.Int); ok {
		var length, each uint64
		switch s := seq.(type) {
		case starlark.String:
			length, each = uint64(len(s)), 1
		case starlark.Bytes:
			length, each = uint64(len(s)), 1
		case *starlark.List:
			length, each = uint64(s.Len()), slotBytes
		case starlark.Tuple:
			length, each = uint64(len(s)), slotBytes
		}
		if times, ok := n.Int64(); ok && times > 0 && length > 0 {
			budget := threadBudget(thread)
			if uint64(times) > budget/each/length {
				return nil, fmt.Errorf("%s * %d would take more than %d MiB, the most one operation may build (a quarter of --max-memory); raise --max-memory or build it in parts",
					seq.Type(), times, budget>>20)
			}
		}
	}
	return starlark.Binary(syntax.STAR, x, y)
}

// joinBuiltin is recv.join(...): for a string, refused before it
// allocates when the joined string would exceed the thread's allocation
// budget; for anything else, the call of its join attribute.
func joinBuiltin(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	recv, rest := args[0], args[1:]
	if sep, ok := recv.(starlark.String); ok && len(rest) == 1 && len(kwargs) == 0 {
		if it, ok := rest[0].(starlark.Iterable); ok {
			budget := threadBudget(thread)
			var size uint64
			iter := it.Iterate()
			var elem starlark.Value
			for i := 0; iter.Next(&elem); i++ {
				if s, ok := elem.(starlark.String); ok {
					size += uint64(len(s))
				}
				if i > 0 {
					size += uint64(len(sep))
				}
				if size > budget {
					iter.Done()
					return nil, fmt.Errorf("join: the joined string would take more than %d MiB, the most one operation may build (a quarter of --max-memory); raise --max-memory or build it in parts",
						budget>>20)
				}
			}
			iter.Done()
		}
	}
	return callMethod(thread, recv, "join", rest, kwargs)
}

// replaceBuiltin is recv.replace(old, new[, count]): for a string, refused
// before it allocates when the result would exceed the thread's
// allocation budget.
func replaceBuiltin(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	recv, rest := args[0], args[1:]
	if s, ok := recv.(starlark.String); ok && len(rest) >= 2 && len(kwargs) == 0 {
		old, ok1 := rest[0].(starlark.String)
		repl, ok2 := rest[1].(starlark.String)
		if ok1 && ok2 && len(repl) > len(old) {
			n := int64(strings.Count(string(s), string(old)))
			if len(rest) == 3 {
				if c, ok := rest[2].(starlark.Int); ok {
					if limit, ok := c.Int64(); ok && limit >= 0 {
						n = min(n, limit)
					}
				}
			}
			budget := threadBudget(thread)
			grow := uint64(len(repl) - len(old))
			if uint64(n) > (budget-min(budget, uint64(len(s))))/grow {
				return nil, fmt.Errorf("replace: the result would take more than %d MiB, the most one operation may build (a quarter of --max-memory); raise --max-memory or build it in parts",
					budget>>20)
			}
		}
	}
	return callMethod(thread, recv, "replace", rest, kwargs)
}

// GuardSizes rewrites f, a parsed chunk of Starlark run outside Load (the
// REPL's), as Load rewrites runbook files: its repetitions, joins,
// replaces and formatting become size-checked calls. The chunk must then
// run with SizeGuards among its predeclared names.
func GuardSizes(f *syntax.File) { guardSizes(f) }

// SizeGuards returns the names the runtime predeclares besides
// Options.Predeclared: the calls GuardSizes writes and the size-checked
// replacements of universal functions (sorted, list, str, print ...).
func SizeGuards() starlark.StringDict { return sizeGuards() }
