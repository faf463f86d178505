package runtime

import (
	"fmt"
	"math"

	"go.starlark.net/starlark"
)

// AllocBudgetKey is the thread-local key (thread.Local) under which every
// thread made by the runtime holds the most bytes one operation may
// allocate, a uint64: a quarter of the memory limit. Builtins that can
// build results far larger than their arguments (json.encode) check it
// before they start; builtins.AllocBudgetKey is the same key.
const AllocBudgetKey = "glrun.allocBudget"

// allocBudget is the per-operation budget for a memory limit.
func allocBudget(maxMemory uint64) uint64 { return maxMemory / 4 }

// slotBytes is what one element of a list or tuple costs (an interface).
const slotBytes = 16

// boundedNames are the universal functions that materialize an iterable
// (range(10**9) costs nothing until then) and which the runtime replaces
// with versions that check the size first.
var boundedNames = []string{"enumerate", "list", "reversed", "set", "sorted", "tuple", "zip"}

// boundedUniverse returns the replacements of boundedNames: each refuses,
// before allocating, to materialize a sequence whose elements would take
// more than the thread's allocation budget, and is otherwise the universal
// function. Other allocations in one step cannot be checked beforehand,
// since go.starlark.net offers no hook for them ([0] * n, "".join, "%s" %
// x); the memory watchdog stops those.
func boundedUniverse() starlark.StringDict {
	out := make(starlark.StringDict, len(boundedNames))
	for _, name := range boundedNames {
		orig := starlark.Universe[name].(*starlark.Builtin)
		out[name] = starlark.NewBuiltin(name, func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			budget := threadBudget(thread)
			var n uint64
			for i, a := range args {
				s, ok := a.(starlark.Sequence)
				if !ok {
					continue
				}
				l := uint64(s.Len())
				if name == "zip" {
					if i == 0 || l < n {
						n = l
					}
					continue
				}
				n = max(n, l)
			}
			if n > 0 && n > budget/slotBytes {
				return nil, fmt.Errorf("%s: %d elements would exceed %d MiB, the most one operation may build (a quarter of --max-memory); raise --max-memory or work in parts",
					name, n, budget>>20)
			}
			return orig.CallInternal(thread, args, kwargs)
		})
	}
	return out
}

// threadBudget returns the allocation budget of thread.
func threadBudget(thread *starlark.Thread) uint64 {
	if b, ok := thread.Local(AllocBudgetKey).(uint64); ok && b > 0 {
		return b
	}
	return math.MaxUint64
}
