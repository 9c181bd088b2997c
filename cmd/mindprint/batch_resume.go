package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// batchCheckpointVersion is the version of the checkpoint file format.
const batchCheckpointVersion = 1

// batchCheckpoint is OUT.checkpoint: how far a run got, written only after
// the output and errors files are synced up to OutOffset and ErrOffset. A
// resumed run cuts both files back to those offsets (dropping anything
// written after the checkpoint, a torn last line included) and continues
// reading the input at InOffset, so no row is lost or written twice.
type batchCheckpoint struct {
	Version        int           `json:"version"`
	Settings       batchSettings `json:"settings"`
	LexiconVersion string        `json:"lexicon_version"`
	// Row, Line and InOffset are the input position after the last record
	// handled (every shard's records count).
	Row      int   `json:"row"`
	Line     int   `json:"line"`
	InOffset int64 `json:"in_offset"`
	// OutOffset and ErrOffset are the sizes of the output and errors files
	// that hold exactly the records up to Row.
	OutOffset int64      `json:"out_offset"`
	ErrOffset int64      `json:"errors_offset"`
	Stats     batchStats `json:"stats"`
	// Complete is true once the whole input was handled.
	Complete bool      `json:"complete"`
	Updated  time.Time `json:"updated"`
}

// batchSettings are the settings a resumed run must share with the run it
// continues: anything that changes which rows are written or how.
type batchSettings struct {
	Input        string   `json:"input"`
	Format       string   `json:"format"`
	Header       []string `json:"header,omitempty"`
	Delimiter    string   `json:"delimiter,omitempty"`
	TextCols     []string `json:"text_cols"`
	Texts        string   `json:"texts"`
	IDCol        string   `json:"id_col"`
	LangCol      string   `json:"lang_col"`
	Columns      []string `json:"columns,omitempty"`
	Prefix       string   `json:"prefix,omitempty"`
	OutDelimiter string   `json:"out_delimiter,omitempty"`
	Shard        string   `json:"shard,omitempty"`
	Errors       string   `json:"errors"`
}

// batchStats counts what a run did; kept in the checkpoint so that a
// resumed run's summary covers the whole input.
type batchStats struct {
	Read        int            `json:"read"`         // records read, every shard's
	Rows        int            `json:"rows"`         // records of this shard
	Written     int            `json:"written"`      // rows in the output
	Broken      int            `json:"broken"`       // records left out of the output
	ProblemRows int            `json:"problem_rows"` // records with at least one problem
	Problems    map[string]int `json:"problems"`
	Languages   map[string]int `json:"languages"`
}

func batchSettingsOf(cfg batchConfig, in *batchInput, lay *batchLayout) batchSettings {
	s := batchSettings{
		Input: cfg.In, Format: in.format, TextCols: cfg.TextCols, Texts: "separate",
		IDCol: cfg.IDCol, LangCol: cfg.LangCol, Prefix: cfg.Prefix, Shard: cfg.Shard.String(),
		Errors: lay.errPath,
	}
	if lay.join {
		s.Texts = "join"
	}
	if cfg.In != "-" {
		if abs, err := filepath.Abs(cfg.In); err == nil {
			s.Input = abs
		}
	}
	if s.Errors != "" {
		if abs, err := filepath.Abs(s.Errors); err == nil {
			s.Errors = abs
		}
	}
	if in.format == "csv" {
		s.Header, s.Delimiter, s.Columns = in.header, delimiterName(in.comma), cfg.Columns
		s.OutDelimiter = delimiterName(lay.outComma)
	}
	return s
}

// diff names the first setting that differs in now, or "".
func (s batchSettings) diff(now batchSettings) string {
	var a, b map[string]json.RawMessage
	ja, _ := json.Marshal(s)
	jb, _ := json.Marshal(now)
	json.Unmarshal(ja, &a)
	json.Unmarshal(jb, &b)
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		if string(a[k]) != string(b[k]) {
			va, vb := string(a[k]), string(b[k])
			if va == "" {
				va = "unset"
			}
			if vb == "" {
				vb = "unset"
			}
			return fmt.Sprintf("%s was %s and is now %s", k, va, vb)
		}
	}
	return ""
}

// batchWriter writes output and error records in input order and keeps the
// checkpoint.
type batchWriter struct {
	outPath  string
	out      *os.File // nil when writing to standard output
	outW     *bufio.Writer
	outN     int64
	errPath  string
	errFile  *os.File // nil when problems go to standard error
	errW     *bufio.Writer
	errN     int64
	prog     *batchProgress
	cpPath   string
	cp       batchCheckpoint
	resumed  bool
	startRow int // this shard's rows done before this session
}

// openBatchWriter creates the output and errors files, or with --resume
// opens them and cuts them back to the checkpoint.
func openBatchWriter(env *environ, cfg batchConfig, in *batchInput, lay *batchLayout, prog *batchProgress) (*batchWriter, error) {
	w := &batchWriter{outPath: cfg.Out, errPath: lay.errPath, prog: prog}
	w.cp = batchCheckpoint{
		Version: batchCheckpointVersion, Settings: batchSettingsOf(cfg, in, lay), LexiconVersion: lay.lexVersion,
		Line: in.line, InOffset: in.offset(),
		Stats: batchStats{Problems: map[string]int{}, Languages: map[string]int{}},
	}
	if cfg.Out == "-" {
		w.outW = bufio.NewWriterSize(env.stdout, 256<<10)
		if err := w.openErrors(false); err != nil {
			return nil, err
		}
		return w, w.writeHeaders(lay)
	}
	w.cpPath = cfg.Out + ".checkpoint"
	if cfg.Resume {
		ok, err := w.resume(env, cfg, lay)
		if err != nil {
			w.Close()
			return nil, err
		}
		if ok {
			return w, nil
		}
	}
	if err := os.Remove(w.cpPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(cfg.Out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	w.out, w.outW = f, bufio.NewWriterSize(f, 256<<10)
	if err := w.openErrors(false); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.writeHeaders(lay); err != nil {
		w.Close()
		return nil, err
	}
	if err := w.checkpoint(false); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// resume loads the checkpoint and reopens the files at its offsets. It
// returns false, with no error, when there is no checkpoint to resume from.
func (w *batchWriter) resume(env *environ, cfg batchConfig, lay *batchLayout) (bool, error) {
	data, err := os.ReadFile(w.cpPath)
	if errors.Is(err, fs.ErrNotExist) {
		if !cfg.Quiet {
			fmt.Fprintf(env.stderr, "mindprint batch: no checkpoint %s; starting from the beginning\n", w.cpPath)
		}
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var cp batchCheckpoint
	if err := json.Unmarshal(data, &cp); err != nil {
		return false, fmt.Errorf("%s: %s; delete it to start over", w.cpPath, jsonProblem(err))
	}
	if cp.Version != batchCheckpointVersion {
		return false, fmt.Errorf("%s: checkpoint version %d; this mindprint writes version %d (delete it to start over)", w.cpPath, cp.Version, batchCheckpointVersion)
	}
	if d := cp.Settings.diff(w.cp.Settings); d != "" {
		return false, fmt.Errorf("--resume: %s; resume with the settings of the interrupted run (see %s), or start over without --resume", d, w.cpPath)
	}
	if cp.LexiconVersion != w.cp.LexiconVersion {
		return false, fmt.Errorf("--resume: %s was scored with lexicons %s and these are %s; mixing them would make its scores inconsistent, so start over without --resume",
			w.outPath, cp.LexiconVersion, w.cp.LexiconVersion)
	}
	if cp.Stats.Problems == nil {
		cp.Stats.Problems = map[string]int{}
	}
	if cp.Stats.Languages == nil {
		cp.Stats.Languages = map[string]int{}
	}
	w.cp, w.resumed, w.startRow = cp, true, cp.Stats.Rows
	if cp.Complete {
		return true, nil
	}
	f, err := openAt(w.outPath, cp.OutOffset, false)
	if err != nil {
		return true, err
	}
	w.out, w.outW, w.outN = f, bufio.NewWriterSize(f, 256<<10), cp.OutOffset
	if err := w.openErrors(true); err != nil {
		return true, err
	}
	if !cfg.Quiet {
		fmt.Fprintf(env.stderr, "mindprint batch: resuming %s after row %d\n", w.outPath, cp.Row)
	}
	return true, nil
}

// openAt opens path for writing and cuts it to size bytes: what the
// checkpoint vouches for. A file shorter than that was changed since.
func openAt(path string, size int64, create bool) (*os.File, error) {
	flags := os.O_RDWR
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--resume: %w", err)
	}
	st, err := f.Stat()
	if err == nil && st.Size() < size {
		err = fmt.Errorf("--resume: %s has %d bytes but the checkpoint vouches for %d; it was changed since, so start over without --resume", path, st.Size(), size)
	}
	if err == nil {
		err = f.Truncate(size)
	}
	if err == nil {
		_, err = f.Seek(size, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// openErrors opens the errors file, if problems go to one.
func (w *batchWriter) openErrors(resume bool) error {
	if w.errPath == "" {
		return nil
	}
	var f *os.File
	var err error
	if resume {
		f, err = openAt(w.errPath, w.cp.ErrOffset, w.cp.ErrOffset == 0)
	} else {
		f, err = os.OpenFile(w.errPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	}
	if err != nil {
		return err
	}
	w.errFile, w.errW, w.errN = f, bufio.NewWriterSize(f, 64<<10), w.cp.ErrOffset
	return nil
}

// writeHeaders starts new CSV files with their header rows.
func (w *batchWriter) writeHeaders(lay *batchLayout) error {
	if lay.format == "csv" {
		if err := w.writeOut(csvLine(lay.outComma, lay.outHeader)); err != nil {
			return err
		}
	}
	if w.errW != nil && lay.errFormat == "csv" {
		return w.writeErr(csvLine(lay.errComma, errorsHeader))
	}
	return nil
}

func (w *batchWriter) writeOut(b []byte) error {
	n, err := w.outW.Write(b)
	w.outN += int64(n)
	if err != nil {
		return fmt.Errorf("writing %s: %w", w.outName(), err)
	}
	return nil
}

func (w *batchWriter) writeErr(b []byte) error {
	if w.errW == nil {
		w.prog.log("mindprint batch: " + string(b))
		return nil
	}
	n, err := w.errW.Write(b)
	w.errN += int64(n)
	if err != nil {
		return fmt.Errorf("writing %s: %w", w.errPath, err)
	}
	return nil
}

func (w *batchWriter) outName() string {
	if w.out == nil {
		return "standard output"
	}
	return w.outPath
}

// record writes one handled record's output and problems, counts it, and
// moves the resume position past it.
func (w *batchWriter) record(it *batchItem, mine bool, o *batchOutcome) error {
	st := &w.cp.Stats
	st.Read++
	if mine {
		st.Rows++
		if o.out != nil {
			if err := w.writeOut(o.out); err != nil {
				return err
			}
			st.Written++
		} else {
			st.Broken++
		}
		if len(o.errs) > 0 {
			if err := w.writeErr(o.errs); err != nil {
				return err
			}
		}
		if len(o.problems) > 0 {
			st.ProblemRows++
		}
		for _, p := range o.problems {
			st.Problems[p]++
		}
		for _, l := range o.langs {
			st.Languages[l]++
		}
	}
	w.cp.Row, w.cp.Line, w.cp.InOffset = it.rec.Row, it.rec.EndLine, it.rec.End
	w.prog.update(st.Rows, it.rec.End)
	return nil
}

// checkpoint makes everything written so far durable and then records it
// in the checkpoint file (replaced atomically). Without an output file it
// only flushes.
func (w *batchWriter) checkpoint(complete bool) error {
	if err := w.outW.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", w.outName(), err)
	}
	if w.errW != nil {
		if err := w.errW.Flush(); err != nil {
			return fmt.Errorf("writing %s: %w", w.errPath, err)
		}
	}
	if w.out == nil {
		return nil
	}
	for _, f := range []*os.File{w.out, w.errFile} {
		if f != nil {
			if err := f.Sync(); err != nil {
				return fmt.Errorf("syncing %s: %w", f.Name(), err)
			}
		}
	}
	w.cp.OutOffset, w.cp.ErrOffset, w.cp.Complete, w.cp.Updated = w.outN, w.errN, complete, time.Now().UTC().Round(time.Second)
	data, err := json.MarshalIndent(w.cp, "", "  ")
	if err != nil {
		return err
	}
	return replaceFile(w.cpPath, append(data, '\n'))
}

// replaceFile writes data to path atomically and durably: a synced
// temporary file renamed over it, then the folder synced.
func replaceFile(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing the checkpoint: %w", err)
	}
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		dir.Sync() // not every file system syncs folders; the rename stands either way
		dir.Close()
	}
	return nil
}

// Close closes the files batch opened.
func (w *batchWriter) Close() error {
	var errs []error
	for _, f := range []*os.File{w.out, w.errFile} {
		if f != nil {
			errs = append(errs, f.Close())
		}
	}
	w.out, w.errFile = nil, nil
	return errors.Join(errs...)
}

// summary describes the run for standard error.
func (w *batchWriter) summary(cfg batchConfig, elapsed time.Duration) string {
	st := w.cp.Stats
	var b strings.Builder
	session := st.Rows - w.startRow
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(session) / s
	}
	fmt.Fprintf(&b, "mindprint batch: %d rows", st.Rows)
	if w.resumed {
		fmt.Fprintf(&b, " (%d in this run)", session)
	}
	fmt.Fprintf(&b, " in %s, %.0f rows/s; %d written, %d with problems (%d left out)\n",
		elapsed.Round(time.Millisecond), rate, st.Written, st.ProblemRows, st.Broken)
	if len(st.Problems) > 0 {
		fmt.Fprintf(&b, "  problems:  %s\n", countList(st.Problems, false))
	}
	if len(st.Languages) > 0 {
		fmt.Fprintf(&b, "  languages: %s\n", countList(st.Languages, true))
	}
	if cfg.Shard.Count > 0 {
		fmt.Fprintf(&b, "  shard %s: %d of the %d rows read belong to other shards\n", cfg.Shard, st.Read-st.Rows, st.Read)
	}
	if w.errPath != "" && len(st.Problems) > 0 {
		fmt.Fprintf(&b, "  problems listed in %s\n", w.errPath)
	}
	return b.String()
}

// countList spells counts as "a 3, b 1", by name or by count (largest first).
func countList(m map[string]int, byCount bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if byCount && m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
