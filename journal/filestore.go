package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
)

// FileStore keeps runs in a directory, one subdirectory per run:
//
//	<dir>/<id>/meta.json      the Meta, replaced atomically
//	<dir>/<id>/journal.jsonl  the journal, append-only, one record a line
//	<dir>/<id>/lock           the lock file (flock), held while in use
//
// Every append is written with one write and fsynced before Append
// returns. Directories are created 0700 and files 0600: a journal holds no
// secret, but it does hold the inventory of a workspace.
type FileStore struct {
	dir string

	mu    sync.Mutex
	files map[string]*os.File // journals open for appending, by run
}

// NewFileStore returns the store in dir (created when first written).
func NewFileStore(dir string) *FileStore { return &FileStore{dir: dir} }

// Dir returns the store's directory.
func (s *FileStore) Dir() string { return s.dir }

const (
	metaFile    = "meta.json"
	journalFile = "journal.jsonl"
	lockFile    = "lock"
)

// validID is what a run id may look like (it names a directory), compiled
// on first use rather than at the start of every command.
var validID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]*$`) })

// runDir returns the directory of run id, refusing ids that are not ids.
func (s *FileStore) runDir(id string) (string, error) {
	if !validID().MatchString(id) {
		return "", fmt.Errorf("journal: %q is not a run id: %w", id, ErrNoRun)
	}
	return filepath.Join(s.dir, id), nil
}

// Create makes the run's directory, its meta file and its empty journal.
func (s *FileStore) Create(m Meta) error {
	d, err := s.runDir(m.ID)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("journal: creating the state directory: %w", err)
	}
	if err := os.Mkdir(d, 0o700); err != nil {
		return fmt.Errorf("journal: creating run %s: %w", m.ID, err)
	}
	if err := s.SetMeta(m); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(d, journalFile), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("journal: creating the journal of run %s: %w", m.ID, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("journal: creating the journal of run %s: %w", m.ID, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("journal: creating the journal of run %s: %w", m.ID, err)
	}
	if err := syncDir(d); err != nil {
		return err
	}
	return syncDir(s.dir)
}

// Meta reads the run's meta file.
func (s *FileStore) Meta(id string) (Meta, error) {
	d, err := s.runDir(id)
	if err != nil {
		return Meta{}, err
	}
	b, err := os.ReadFile(filepath.Join(d, metaFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Meta{}, fmt.Errorf("journal: run %s in %s: %w", id, s.dir, ErrNoRun)
	}
	if err != nil {
		return Meta{}, fmt.Errorf("journal: reading run %s: %w", id, err)
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return Meta{}, fmt.Errorf("journal: run %s: %s is damaged: %w", id, metaFile, err)
	}
	return m, nil
}

// SetMeta writes the meta file atomically: a temporary file, fsynced, then
// renamed over the old one.
func (s *FileStore) SetMeta(m Meta) error {
	d, err := s.runDir(m.ID)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("journal: encoding the meta of run %s: %w", m.ID, err)
	}
	tmp, err := os.CreateTemp(d, metaFile+".*")
	if err != nil {
		return fmt.Errorf("journal: writing the meta of run %s: %w", m.ID, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(d, metaFile))
	}
	if err != nil {
		return fmt.Errorf("journal: writing the meta of run %s: %w", m.ID, err)
	}
	return syncDir(d)
}

// Append writes r as one line at the end of the journal and fsyncs it.
func (s *FileStore) Append(id string, r Record) error {
	if err := s.Write(id, r); err != nil {
		return err
	}
	return s.Sync(id)
}

// Write writes r as one line at the end of the journal, with one write,
// without waiting for the disk (see Sync). The journal stays open for the
// next records until the run's lock is released.
func (s *FileStore) Write(id string, r Record) error {
	line, err := encodeLine(r)
	if err != nil {
		return err
	}
	f, err := s.appendFile(id)
	if err == nil {
		_, err = f.Write(line)
	}
	if err != nil {
		return fmt.Errorf("journal: appending record %d to run %s: %w", r.Seq, id, err)
	}
	return nil
}

// Sync fsyncs the journal: every line written so far is durable.
func (s *FileStore) Sync(id string) error {
	f, err := s.appendFile(id)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return fmt.Errorf("journal: syncing run %s: %w", id, err)
	}
	return nil
}

// appendFile returns the run's journal open for appending: opened at the
// first record, closed with the run's lock (or when the run is removed).
func (s *FileStore) appendFile(id string) (*os.File, error) {
	d, err := s.runDir(id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil {
		return f, nil
	}
	f, err := os.OpenFile(filepath.Join(d, journalFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	if s.files == nil {
		s.files = map[string]*os.File{}
	}
	s.files[id] = f
	return f, nil
}

// closeFile closes the run's journal if it is open for appending.
func (s *FileStore) closeFile(id string) error {
	s.mu.Lock()
	f := s.files[id]
	delete(s.files, id)
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	return f.Close()
}

// Read reads and checks the whole journal.
func (s *FileStore) Read(id string) (Journal, error) {
	d, err := s.runDir(id)
	if err != nil {
		return Journal{}, err
	}
	b, err := os.ReadFile(filepath.Join(d, journalFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Journal{}, fmt.Errorf("journal: run %s in %s: %w", id, s.dir, ErrNoRun)
	}
	if err != nil {
		return Journal{}, fmt.Errorf("journal: reading run %s: %w", id, err)
	}
	return parseJournal(id, b)
}

// DropTorn truncates the journal where its torn tail t starts, after
// checking that the file still ends with t.
func (s *FileStore) DropTorn(id string, t *TornTail) error {
	d, err := s.runDir(id)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(d, journalFile), os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("journal: repairing run %s: %w", id, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("journal: repairing run %s: %w", id, err)
	}
	if st.Size() != t.Offset+t.Bytes {
		return fmt.Errorf("journal: repairing run %s: the journal changed since it was read (%d bytes, expected %d)",
			id, st.Size(), t.Offset+t.Bytes)
	}
	if err := f.Truncate(t.Offset); err != nil {
		return fmt.Errorf("journal: repairing run %s: %w", id, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("journal: repairing run %s: %w", id, err)
	}
	return nil
}

// List reads the meta of every run in the directory, newest first. A
// directory whose meta cannot be read is listed with its id and the reason
// in Error.
func (s *FileStore) List() ([]Meta, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: listing runs in %s: %w", s.dir, err)
	}
	var out []Meta
	for _, e := range ents {
		if !e.IsDir() || !validID().MatchString(e.Name()) {
			continue
		}
		if _, err := os.Stat(filepath.Join(s.dir, e.Name(), metaFile)); err != nil {
			continue // not a run
		}
		m, err := s.Meta(e.Name())
		if err != nil {
			m = Meta{ID: e.Name(), Error: err.Error()}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return newerFirst(out[i], out[j]) })
	return out, nil
}

// Lock takes the run's lock file with flock; the process's death releases
// it, so a crashed run is never left locked.
func (s *FileStore) Lock(id string) (func() error, error) {
	d, err := s.runDir(id)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(d, metaFile)); err != nil {
		return nil, fmt.Errorf("journal: run %s in %s: %w", id, s.dir, ErrNoRun)
	}
	f, err := os.OpenFile(filepath.Join(d, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: locking run %s: %w", id, err)
	}
	if err := flock(f); err != nil {
		_ = f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("run %s: %w", id, ErrLocked)
		}
		return nil, fmt.Errorf("journal: locking run %s: %w", id, err)
	}
	// Closing the lock file releases the lock; the journal is closed first.
	return func() error {
		err := s.closeFile(id)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

// Remove deletes the run's directory.
func (s *FileStore) Remove(id string) error {
	d, err := s.runDir(id)
	if err != nil {
		return err
	}
	_ = s.closeFile(id)
	if err := os.RemoveAll(d); err != nil {
		return fmt.Errorf("journal: removing run %s: %w", id, err)
	}
	return nil
}

// syncDir fsyncs a directory, so that the names created in it are durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("journal: syncing %s: %w", dir, err)
	}
	return nil
}
