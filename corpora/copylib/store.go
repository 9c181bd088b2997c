package copylib

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The bbolt store of record (copy.db in the data folder).
//
//	variants  id → variant JSON
//	meta      "schema" → storeSchema, "gen" → uint64 (big endian), bumped by every write
//	changes   gen (big endian) → id: the write log the index replays after a crash
//	seeds     seed file id → the seed version imported
//	seeded    variant id → seed file id, so a seed upgrade never re-adds a variant a copywriter deleted
var (
	bucketVariants = []byte("variants")
	bucketMeta     = []byte("meta")
	bucketChanges  = []byte("changes")
	bucketSeeds    = []byte("seeds")
	bucketSeeded   = []byte("seeded")

	keySchema = []byte("schema")
	keyGen    = []byte("gen")
)

// storeSchema is the layout version of copy.db.
const storeSchema = "1"

func initStore(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketVariants, bucketMeta, bucketChanges, bucketSeeds, bucketSeeded} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch s := meta.Get(keySchema); {
		case s == nil:
			return meta.Put(keySchema, []byte(storeSchema))
		case string(s) != storeSchema:
			return fmt.Errorf("copy store schema %q is not %q: this build cannot read it", s, storeSchema)
		}
		return nil
	})
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func storeGen(tx *bolt.Tx) uint64 {
	if b := tx.Bucket(bucketMeta).Get(keyGen); len(b) == 8 {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func getVariant(tx *bolt.Tx, id string) (*Variant, error) {
	raw := tx.Bucket(bucketVariants).Get([]byte(id))
	if raw == nil {
		return nil, nil
	}
	v := new(Variant)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("copy store: variant %q is unreadable: %w", id, err)
	}
	return v, nil
}

// logChange bumps the store generation and records that id changed.
func logChange(tx *bolt.Tx, id string) (uint64, error) {
	gen := storeGen(tx) + 1
	if err := tx.Bucket(bucketMeta).Put(keyGen, u64(gen)); err != nil {
		return 0, err
	}
	return gen, tx.Bucket(bucketChanges).Put(u64(gen), []byte(id))
}

func putVariant(tx *bolt.Tx, v *Variant) (uint64, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	if err := tx.Bucket(bucketVariants).Put([]byte(v.ID), raw); err != nil {
		return 0, err
	}
	return logChange(tx, v.ID)
}

func deleteVariant(tx *bolt.Tx, id string) (uint64, error) {
	if err := tx.Bucket(bucketVariants).Delete([]byte(id)); err != nil {
		return 0, err
	}
	return logChange(tx, id)
}

func forEachVariant(tx *bolt.Tx, fn func(*Variant) error) error {
	return tx.Bucket(bucketVariants).ForEach(func(k, raw []byte) error {
		v := new(Variant)
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("copy store: variant %q is unreadable: %w", k, err)
		}
		return fn(v)
	})
}

// change is one entry of the write log.
type change struct {
	gen uint64
	id  string
}

// changesAfter returns the logged changes with a generation above gen, and
// whether the log is complete from gen+1 on (false when it was trimmed past
// it, so a replay would miss writes).
func changesAfter(tx *bolt.Tx, gen uint64) ([]change, bool) {
	c := tx.Bucket(bucketChanges).Cursor()
	var out []change
	for k, v := c.Seek(u64(gen + 1)); k != nil; k, v = c.Next() {
		out = append(out, change{gen: binary.BigEndian.Uint64(k), id: string(v)})
	}
	complete := storeGen(tx) == gen || len(out) > 0 && out[0].gen == gen+1
	return out, complete
}

// trimChanges drops log entries the index already holds (gen <= upto).
func trimChanges(tx *bolt.Tx, upto uint64) error {
	b := tx.Bucket(bucketChanges)
	c := b.Cursor()
	var keys [][]byte
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= upto; k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
