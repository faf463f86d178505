package runtime

import (
	"fmt"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// The two operations whose result can dwarf their operands, and which
// go.starlark.net performs in one step without any hook: repetition
// ([0] * 2**28 is 4 GiB at once) and str.join (sixteen references to one
// 256 MiB string join to 4 GiB). One step cannot be interrupted, and
// while it copies gigabytes the Go runtime cannot even stop the world to
// let the memory watchdog run. So the runtime compiles them as calls of
// builtins that check the size first:
//
//	x * y       -> (*)(x, y)
//	x *= y      -> x = (*)(x, y)        (x a name, x[i] or x.f: see reread)
//	s.join(xs)  -> (join)(s, xs)
//
// The names cannot be written in a runbook, so they never collide with its
// own. Positions stay those of the operator and of the call's parenthesis,
// so errors point where they did.
const (
	repeatName = "(*)"
	joinName   = "(join)"
)

// guardSizes rewrites the repetitions and joins of f as described above.
func guardSizes(f *syntax.File) {
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ExprStmt:
			guard(&n.X)
		case *syntax.IfStmt:
			guard(&n.Cond)
		case *syntax.AssignStmt:
			guard(&n.RHS)
			if n.Op == syntax.STAR_EQ {
				if self, ok := reread(n.LHS); ok {
					n.Op = syntax.EQ
					n.RHS = repeatCall(self, n.RHS, n.OpPos)
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
		if x.Op == syntax.STAR {
			*e = repeatCall(x.X, x.Y, x.OpPos)
		}
	case *syntax.CallExpr:
		if dot, ok := x.Fn.(*syntax.DotExpr); ok && dot.Name.Name == "join" {
			*e = &syntax.CallExpr{
				Fn:     &syntax.Ident{NamePos: dot.Dot, Name: joinName},
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

// repeatCall is (*)(x, y) at the operator's position.
func repeatCall(x, y syntax.Expr, pos syntax.Position) *syntax.CallExpr {
	_, end := y.Span()
	return &syntax.CallExpr{
		Fn:     &syntax.Ident{NamePos: pos, Name: repeatName},
		Lparen: pos,
		Args:   []syntax.Expr{x, y},
		Rparen: end,
	}
}

// sizeGuards returns the builtins the rewritten code calls.
func sizeGuards() starlark.StringDict {
	return starlark.StringDict{
		repeatName: starlark.NewBuiltin("*", repeatBuiltin),
		joinName:   starlark.NewBuiltin("join", joinBuiltin),
	}
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
	ha, ok := recv.(starlark.HasAttrs)
	if !ok {
		return nil, fmt.Errorf("%s has no .join field or method", recv.Type())
	}
	method, err := ha.Attr("join")
	if err != nil {
		return nil, err
	}
	if method == nil {
		return nil, fmt.Errorf("%s has no .join field or method", recv.Type())
	}
	if b, ok := method.(*starlark.Builtin); ok {
		return b.CallInternal(thread, rest, kwargs) // no second frame
	}
	return starlark.Call(thread, method, rest, kwargs)
}
