package journal

import (
	"sync"
	"testing"

	"glrun/clock"
)

// countingStore counts the syncs of a GroupStore.
type countingStore struct {
	*FileStore
	mu    sync.Mutex
	syncs int
}

func (s *countingStore) Sync(id string) error {
	s.mu.Lock()
	s.syncs++
	s.mu.Unlock()
	return s.FileStore.Sync(id)
}

// TestParallelAppendsShareSyncs appends records from many goroutines at
// once: every record is in the journal, numbered without gaps, each append
// returned only once its record was synced, and appends made at once share
// syncs (never more syncs than appends).
func TestParallelAppendsShareSyncs(t *testing.T) {
	st := &countingStore{FileStore: NewFileStore(t.TempDir())}
	m := Meta{ID: "20260302-090000-aaaaaa", Command: "run", State: Running}
	if err := st.Create(m); err != nil {
		t.Fatal(err)
	}
	w := &writer{store: st, run: m.ID, clock: clock.NewVirtual(start)}
	const workers, each = 16, 20
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < each; k++ {
				seq, err := w.append(Record{Kind: KindIntent})
				if err != nil {
					t.Error(err)
					return
				}
				w.syncMu.Lock()
				synced := w.synced
				w.syncMu.Unlock()
				if synced < seq {
					t.Errorf("append of record %d returned before it was synced (synced up to %d)", seq, synced)
				}
			}
		}()
	}
	wg.Wait()
	j, err := st.Read(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Records) != workers*each || j.Torn != nil {
		t.Fatalf("journal holds %d records (torn %v), want %d", len(j.Records), j.Torn, workers*each)
	}
	for i, r := range j.Records {
		if r.Seq != i+1 {
			t.Fatalf("record %d has seq %d", i+1, r.Seq)
		}
	}
	if st.syncs > workers*each {
		t.Errorf("%d syncs for %d appends", st.syncs, workers*each)
	}
	t.Logf("%d appends, %d syncs", workers*each, st.syncs)
}
