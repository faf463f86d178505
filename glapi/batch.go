package glapi

import "context"

// Batch marks the requests of one call of a runbook's parallel.map: they
// are sent concurrently, so their order differs from run to run. A plan
// records which changes were made in one batch, and its apply matches them
// by content rather than by position. Each call of parallel.map makes a new
// *Batch; compare them by identity.
type Batch struct{ _ byte }

type batchKey struct{}

// WithBatch returns ctx marked as belonging to b, unless ctx belongs to a
// batch already: a parallel.map inside another one's workers is part of
// the outer batch, whose changes are all concurrent with each other.
func WithBatch(ctx context.Context, b *Batch) context.Context {
	if _, ok := BatchOf(ctx); ok {
		return ctx
	}
	return context.WithValue(ctx, batchKey{}, b)
}

// BatchOf returns the batch ctx belongs to, if any.
func BatchOf(ctx context.Context) (*Batch, bool) {
	b, ok := ctx.Value(batchKey{}).(*Batch)
	return b, ok && b != nil
}
